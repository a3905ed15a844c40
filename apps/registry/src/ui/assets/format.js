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

/** An instance's health-check state, when the registry reports one: `check` as a string or `{ status, output }`. */
export function checkOf(instance) {
  const check = instance.check;
  if (check === undefined || check === null) return undefined;
  if (typeof check === 'string') return { status: check, detail: '' };
  const status = typeof check.status === 'string' ? check.status : 'unknown';
  const detail = [check.output, check.message, check.checkedAt].filter((part) => typeof part === 'string').join(' · ');
  return { status, detail };
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
