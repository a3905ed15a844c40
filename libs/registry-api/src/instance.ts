/** Transport an instance's primary address speaks. */
export type InstanceProtocol = 'http' | 'https' | 'grpc';

export const INSTANCE_PROTOCOLS: readonly InstanceProtocol[] = ['http', 'https', 'grpc'];

/** Transport a named endpoint speaks: the instance's protocols, and plain TCP (a raw socket listener). */
export type EndpointProtocol = InstanceProtocol | 'tcp';

export const ENDPOINT_PROTOCOLS: readonly EndpointProtocol[] = [...INSTANCE_PROTOCOLS, 'tcp'];

/**
 * `passing` until an active check fails `failuresBeforeCritical` times in a row (or the instance's session
 * dropped and it did not answer); `critical` instances are left out of lookups and watches (still listed
 * with `?status=all`) until they pass again.
 */
export type InstanceStatus = 'passing' | 'critical';

export const INSTANCE_STATUSES: readonly InstanceStatus[] = ['passing', 'critical'];

/** What the registry probes: an HTTP GET of `path`, a TCP connect, or grpc.health.v1 `Check`. */
export type CheckType = 'http' | 'tcp' | 'grpc';

export const CHECK_TYPES: readonly CheckType[] = ['http', 'tcp', 'grpc'];

/**
 * An active health check the registry runs against the instance's own host and port (never another
 * address: a registration cannot turn the registry into a port scanner), as the registry answers it:
 * every default filled in.
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

/**
 * Another listener of the same running app (its gRPC server, say), reached at the instance's host on its
 * own port. It is renewed, drained and removed with the instance; its own check decides only whether it
 * is routable for its protocol.
 */
export interface InstanceEndpoint {
  port: number;
  protocol: EndpointProtocol;
  /** Probed at the instance's host and this endpoint's port. */
  check?: HealthCheck;
}

/** What the registry concluded about one named endpoint; an endpoint with none is passing. */
export interface EndpointHealth {
  status: InstanceStatus;
  /** When `status` last changed (ISO-8601). */
  statusSince?: string;
  /** The last probe's outcome, e.g. `SERVING`. */
  checkOutput?: string;
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

/**
 * One registered instance — one running app — exactly as every registry answer carries it. Its top-level
 * address is its primary (HTTP) one; its other listeners are `endpoints`. Callers route only to routable
 * ones ({@link isRoutable}, {@link isEndpointRoutable}).
 */
export interface RegistryInstance {
  id: string;
  name: string;
  host: string;
  port: number;
  protocol: InstanceProtocol;
  tags: readonly string[];
  metadata: Readonly<Record<string, string>>;
  /** Relative share of traffic; an operator's override when there is one. */
  weight: number;
  /** Lifetime without a renewal. */
  ttlSeconds: number;
  check?: HealthCheck;
  /** The app's other listeners by name (`grpc`…). */
  endpoints?: Readonly<Record<string, InstanceEndpoint>>;
  status: InstanceStatus;
  /** False while drained (by an operator, or by the instance itself on its way out). */
  enabled: boolean;
  /** The operator's overrides, when there are any; `weight` above already applies them. */
  overrides?: InstanceOverrides;
  /** When `status` last changed (ISO-8601); absent while it never did. */
  statusSince?: string;
  /** The last probe's outcome, when the instance has a check. */
  checkOutput?: string;
  /** The registry's view of each named endpoint's check, for those it has one of (none: passing). */
  endpointHealth?: Readonly<Record<string, EndpointHealth>>;
  /** ISO-8601 */
  registeredAt: string;
  /** ISO-8601; the only field a plain renewal changes. */
  lastHeartbeat: string;
}

/** Every service's instances, keyed by service name. */
export type ServiceMap = Record<string, readonly RegistryInstance[]>;

/** The whole registry at one revision: `GET /services` and `GET /watch`. */
export interface RegistryState {
  revision: number;
  services: ServiceMap;
}
