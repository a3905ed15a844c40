// Small, pure formatting helpers.

/** `12s`, `3m 05s`, `2h 07m`, `3d 4h`; never negative. */
export function formatAge(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatAddress(host, port) {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `enabled` absent means enabled (registries without operator controls never send it). */
export function isEnabled(instance) {
  return instance.enabled !== false;
}

/**
 * An instance's active check, when it registered one: the registry's verdict (`status`) and what was
 * probed, with the last probe's outcome (`checkOutput`), for the cell's tooltip.
 */
export function checkOf(instance) {
  if (!isObject(instance.check)) return undefined;
  return { status: instance.status, ...describeCheck(instance.check, instance.checkOutput) };
}

/**
 * An instance's named endpoints (its other listeners: gRPC…), by name: where each listens
 * and what the registry concluded of it (`endpointHealth[name]`; none means passing), with its own check's
 * label when it has one.
 */
export function endpointsOf(instance) {
  if (!isObject(instance.endpoints)) return [];
  const byName = Object.entries(instance.endpoints).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return byName.map(([name, endpoint]) => {
    const health = isObject(instance.endpointHealth?.[name]) ? instance.endpointHealth[name] : {};
    const status = health.status ?? 'passing';
    const check = isObject(endpoint?.check) ? { status, ...describeCheck(endpoint.check, health.checkOutput) } : undefined;
    return { name, port: endpoint?.port, protocol: endpoint?.protocol ?? name, status, check };
  });
}

/** `http: HTTP 200` for the cell; what is probed, how often and the last outcome for its tooltip. */
function describeCheck(check, output) {
  const target = check.type === 'http' ? `http ${check.path ?? '/'}` : String(check.type ?? 'check');
  const every = Number.isFinite(check.intervalSeconds) ? `every ${check.intervalSeconds}s` : '';
  const detail = [target, every, output].filter((part) => typeof part === 'string' && part).join(' · ');
  return { label: `${check.type}: ${output ?? 'not probed yet'}`, detail };
}

function isObject(value) {
  return value !== undefined && value !== null && typeof value === 'object';
}

/** CSS tone of a status word. */
export function toneOf(status) {
  if (status === 'passing' || status === 'ok' || status === 'healthy') return 'good';
  if (status === 'warning' || status === 'degraded' || status === 'unknown') return 'warn';
  return 'bad';
}

/** The registry's self-preservation field, whatever its shape: boolean, or `{ active, ... }`. */
export function selfPreservationOf(health) {
  const value = health?.selfPreservation;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return { active: value, detail: '' };
  if (typeof value === 'object') {
    const active = value.active === true || (value.active === undefined && value.enabled === true);
    const detail = Object.entries(value)
      .filter(([key]) => key !== 'active')
      .map(([key, v]) => `${key}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join(', ');
    return { active, detail };
  }
  return { active: Boolean(value), detail: String(value) };
}
