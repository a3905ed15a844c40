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
