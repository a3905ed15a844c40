// The registry's HTTP API as the dashboard uses it. Paths are relative to the page's parent
// (`/ui/` → `/`), so a registry served under a path prefix works too.

const BASE = new URL('../', window.location.href);

/** A non-2xx answer; `message` is the registry's own (`{ statusCode, error, message }`). */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(path, init = {}) {
  const response = await fetch(new URL(path, BASE), {
    cache: 'no-store',
    ...init,
    headers: { accept: 'application/json', ...init.headers },
  });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { ok: response.ok, status: response.status, body, date: response.headers.get('date') };
}

/** The `authorization` header for `token` (none without one). */
function auth(token) {
  return token ? { authorization: `Bearer ${token}` } : {};
}

function expectOk(answer) {
  if (answer.ok) return answer;
  const message = typeof answer.body?.message === 'string' ? answer.body.message : `HTTP ${answer.status}`;
  throw new HttpError(answer.status, message);
}

/** `{ revision, services }` once the revision differs from `revision` (at once when null), else after the timeout. */
export async function watch(revision, timeoutSeconds, signal, token) {
  // status=all: operators see critical and drained instances too, which clients' listings leave out.
  const query = new URLSearchParams({ timeoutSeconds: String(timeoutSeconds), status: 'all' });
  if (revision !== null) query.set('revision', String(revision));
  return expectOk(await call(`watch?${query}`, { signal, headers: auth(token) }));
}

/** `{ revision, services }` now (for fresh `lastHeartbeat`s: renewals do not wake the watch). */
export async function services(signal, token) {
  return expectOk(await call('services?status=all', { signal, headers: auth(token) }));
}

/** The registry's `/health` body; a degraded registry answers 503 with a body, which is still data. */
export async function health(signal) {
  const answer = await call('health', { signal });
  if (answer.body && typeof answer.body === 'object' && typeof answer.body.status === 'string') return answer;
  return expectOk(answer);
}

/** Operator change of one instance: `{ enabled }` and/or `{ weight }`. */
export async function patchInstance(name, id, changes, token) {
  const headers = { 'content-type': 'application/json', ...auth(token) };
  const path = `service/${encodeURIComponent(name)}/${encodeURIComponent(id)}`;
  return expectOk(await call(path, { method: 'PATCH', headers, body: JSON.stringify(changes) }));
}
