/** Transport a registered endpoint speaks. */
export type InstanceProtocol = 'http' | 'https' | 'grpc';

export const INSTANCE_PROTOCOLS: readonly InstanceProtocol[] = ['http', 'https', 'grpc'];

/**
 * `passing` until an active check fails `failuresBeforeCritical` times in a row; `critical` instances are
 * left out of lookups and watches (still listed with `?status=all`) until they pass again.
 */
export type InstanceStatus = 'passing' | 'critical';

export const INSTANCE_STATUSES: readonly InstanceStatus[] = ['passing', 'critical'];

/** What the registry probes: an HTTP GET of `path`, a TCP connect, or grpc.health.v1 `Check`. */
export type CheckType = 'http' | 'tcp' | 'grpc';

export const CHECK_TYPES: readonly CheckType[] = ['http', 'tcp', 'grpc'];

/**
 * An active health check the registry runs against the instance's own host and port (never another
 * address: a registration cannot turn the registry into a port scanner).
 */
export interface HealthCheck {
  type: CheckType;
  /** `http`: the path to GET (2xx/3xx passes), default `/health`. */
  path?: string;
  /** `grpc`: the service name asked of grpc.health.v1 (`''`, the default, asks about the whole server). */
  service?: string;
  /** Time between two probes (default 10); the first probe of each instance is spread over it. */
  intervalSeconds: number;
  /** A probe slower than this fails (default 2, at most the interval). */
  timeoutSeconds: number;
  /** Consecutive failures that turn a passing instance critical (default 3). */
  failuresBeforeCritical: number;
  /** Consecutive successes that bring a critical instance back (default 2). */
  successesBeforePassing: number;
  /** A critical instance is deregistered after this long (default 60). */
  deregisterCriticalAfterSeconds: number;
}

/** Service names (and the `:name` route parameter). */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Instance ids: a name, a dash and a random suffix when assigned, anything similar when chosen. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** What a register call asks for, after validation and defaults. */
export interface InstanceRegistration {
  id?: string;
  name: string;
  host: string;
  port: number;
  protocol: InstanceProtocol;
  tags: readonly string[];
  metadata: Readonly<Record<string, string>>;
  weight: number;
  ttlSeconds: number;
  check?: HealthCheck;
}

/**
 * What an operator set with `PATCH /service/:name/:id`. It survives the instance's renewals: the instance's
 * own registration does not undo an operator's drain or weight.
 */
export interface InstanceOverrides {
  /** `false`: drained — registered but out of lookups and watches. */
  enabled?: boolean;
  /** Replaces the instance's own weight. */
  weight?: number;
}

/** A `PATCH /service/:name/:id` body: `enabled: true` and `weight: null` lift the override. */
export interface InstancePatch {
  enabled?: boolean;
  weight?: number | null;
}

/** What a health check concluded, as the checker hands it to the store. */
export interface HealthUpdate {
  status: InstanceStatus;
  /** The last probe's outcome, e.g. `HTTP 200`, `connect ECONNREFUSED`. */
  output: string;
}

/**
 * One live instance, exactly as the API returns it. The store hands out these objects as they
 * are (no clone per read), so they stay JSON-ready: plain fields, ISO timestamps.
 */
export interface RegistryInstance extends InstanceRegistration {
  id: string;
  status: InstanceStatus;
  /** False while drained (by an operator, or by the instance itself on its way out). */
  enabled: boolean;
  /** The operator's overrides, when there are any; `weight` above already applies them. */
  overrides?: InstanceOverrides;
  /** When `status` last changed (ISO-8601); absent while it never did. */
  statusSince?: string;
  /** The last probe's outcome, when the instance has a check. */
  checkOutput?: string;
  /** ISO-8601 */
  registeredAt: string;
  /** ISO-8601; the only field a plain renewal changes. */
  lastHeartbeat: string;
}

/** Every service's instances, keyed by service name. */
export type ServiceMap = Record<string, readonly RegistryInstance[]>;

/** The whole registry at one revision. */
export interface RegistryState {
  revision: number;
  services: ServiceMap;
}

/** Whether clients should route to an instance: passing and not drained. */
export function isRoutable(instance: RegistryInstance): boolean {
  return instance.status === 'passing' && instance.enabled !== false;
}
