/**
 * Every log line and error message of the registration/resolution side, as functions, so wording
 * lives in one place and tests can match on it. @internal
 */
export const INVALID_OPTION = (option: string, expected: string, got: unknown): string =>
  `Invalid discovery option "${option}": expected ${expected}, got ${JSON.stringify(got)}`;

export const NAME_REQUIRED = (): string =>
  'Invalid discovery option "name": required when "register" is true (set it, or pass register: false for a pure client)';

export const REGISTERED = (name: string, id: string, address: string): string =>
  `Registered ${name} as ${id} at ${address}`;

export const ENDPOINT_REGISTERED = (id: string, name: string, address: string): string =>
  `Registered endpoint ${name} of ${id} at ${address}`;

export const REGISTERED_AGAIN = (id: string): string => `Registry reachable again; ${id} registered again`;

export const REGISTRY_UNREACHABLE = (reason: string): string =>
  `Registry unreachable, retrying with backoff (${reason})`;

export const DEREGISTERED = (id: string): string => `Deregistered ${id}`;

export const DEREGISTER_FAILED = (id: string, reason: string): string =>
  `Could not deregister ${id} (${reason}); the registry will expire it after its TTL`;

export const WAITING_FOR_PORT = (): string =>
  'HTTP server not listening yet; registration waits for it (or set the "port" option)';

export const NO_HTTP_SERVER = (): string =>
  'No HTTP server and no "port" option: cannot tell which port to advertise, not registering';

export const WATCH_FAILED = (reason: string): string =>
  `Registry watch failed, serving the last known instances and retrying (${reason})`;

export const WATCH_RESUMED = (revision: number): string => `Registry watch resumed at revision ${revision}`;

export const INITIAL_FETCH_FAILED = (reason: string): string =>
  `Could not load services from the registry at start (${reason}); will keep trying`;

export const REGISTRY_HTTP_ERROR = (method: string, url: string, status: number, body: string): string =>
  `Registry answered ${status} to ${method} ${url}: ${body}`;

export const REGISTRY_NETWORK_ERROR = (method: string, url: string, reason: string): string =>
  `Registry request ${method} ${url} failed: ${reason}`;

export const DRAINING = (id: string, graceMs: number): string =>
  `Draining ${id}: disabled at the registry; serving ${graceMs} ms more while clients stop picking it`;

export const DRAIN_NOT_MARKED = (id: string, reason: string): string =>
  `Could not mark ${id} disabled at the registry (${reason}); clients may call it until it deregisters`;

export const DRAINED = (ms: number): string => `Drained in ${ms} ms: no request in flight`;

export const DRAIN_TIMED_OUT = (inFlight: number, ms: number): string =>
  `Drain timed out after ${ms} ms with ${inFlight} request(s) still in flight; deregistering anyway`;

export const CHECK_FALLBACK_TCP = (path: string): string =>
  `No GET ${path} route: registering a tcp health check instead (set the "check" option or DISCOVERY_CHECK_PATH to use an HTTP one)`;

export const SESSION_OPEN = (id: string, url: string): string =>
  `Session of ${id} open at ${url}: the registry sees a crash of this instance at once`;

export const SESSION_LOST = (id: string, reason: string): string =>
  `Session of ${id} lost (${reason}); reopening with backoff`;

export const SESSION_UNAVAILABLE = (id: string, reason: string): string =>
  `No session for ${id} yet (${reason}); retrying quietly, liveness still rests on renewals and checks`;
