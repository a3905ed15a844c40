import type { ErrorAnswer, RegistryInstance, RegistryState } from '@nest-discovery/registry-api';
import { RegistryRequestError } from './errors/registry-request.error';

/** The `fetch` the reader calls: the global one, or a stub in tests. @internal */
export type FetchFn = (url: URL, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

/**
 * The registry's read API as the CLI uses it: one GET per call, bounded by a timeout, its answer typed by the
 * wire contract. Every failure is a {@link RegistryRequestError} whose message says what to check.
 * @internal
 */
export class RegistryReader {
  constructor(
    /** Base URL, without a trailing slash. */
    readonly registry: string,
    private readonly timeoutMs: number,
    private readonly fetchFn: FetchFn = (url, init) => fetch(url, init),
    /** Sent as `Authorization: Bearer` when the registry guards reads. */
    private readonly token?: string,
  ) {}

  /** `GET /services`: every routable instance at the current revision. */
  services(): Promise<RegistryState> {
    return this.get<RegistryState>('services');
  }

  /** `GET /service/:name[?tag=]`: one service's routable instances. */
  instances(name: string, tag?: string): Promise<RegistryInstance[]> {
    const query = tag ? `?tag=${encodeURIComponent(tag)}` : '';
    return this.get<RegistryInstance[]>(`service/${encodeURIComponent(name)}${query}`);
  }

  /**
   * `GET /watch`: without `revision`, the current state at once; with it, the state once it moves past
   * `revision`, or unchanged after `timeoutSeconds` (a long poll, so the request may take that long too).
   */
  watch(revision: number | undefined, timeoutSeconds: number): Promise<RegistryState> {
    const since = revision === undefined ? '' : `revision=${revision}&`;
    return this.get<RegistryState>(`watch?${since}timeoutSeconds=${timeoutSeconds}`, timeoutSeconds * 1000 + this.timeoutMs);
  }

  private async get<T>(path: string, timeoutMs = this.timeoutMs): Promise<T> {
    const url = new URL(path, `${this.registry}/`);
    let response: Response;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      response = await this.fetchFn(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new RegistryRequestError(`cannot reach the registry at ${this.registry} (${failureCause(error)})`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RegistryRequestError(`${url} answered ${response.status} with a body that is not JSON — is ${this.registry} a registry?`);
    }
    if (!response.ok) {
      const message = (body as Partial<ErrorAnswer> | null)?.message ?? text;
      throw new RegistryRequestError(`${url} answered ${response.status}: ${message}`);
    }
    return body as T;
  }
}

/** The short reason a fetch failed: `ECONNREFUSED`, `ENOTFOUND`, `TimeoutError`… */
function failureCause(error: unknown): string {
  const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  return failure.cause?.code ?? failure.cause?.message ?? failure.name ?? failure.message ?? String(error);
}
