/** Transport an instance's primary address speaks. */
export type InstanceProtocol = 'http' | 'https' | 'grpc';

/** Transport a named endpoint speaks: an instance's protocols, or plain TCP (a raw socket listener). */
export type EndpointProtocol = InstanceProtocol | 'tcp';

/**
 * Health of an instance as the registry sees it: `passing` until its active check fails several
 * times in a row, then `critical` (left out of lookups and watches) until it passes again.
 * `warning` is kept for registries that report it; only `passing` instances are called.
 */
export type InstanceStatus = 'passing' | 'warning' | 'critical';

/** What the registry probes: an HTTP GET of `path`, a TCP connect, or grpc.health.v1 `Check`. */
export type HealthCheckType = 'http' | 'tcp' | 'grpc';

/**
 * The active health check the registry runs against an instance's own host and port, as the
 * registry stores it (its defaults filled in).
 */
export interface InstanceHealthCheck {
  type: HealthCheckType;
  /** `http`: the path to GET; 2xx/3xx passes. */
  path?: string;
  /** `grpc`: the service asked of grpc.health.v1 (`''`: the whole server). */
  service?: string;
  /** Seconds between two probes. */
  intervalSeconds: number;
  /** A probe slower than this fails. */
  timeoutSeconds?: number;
  /** Consecutive failures that turn a passing instance critical. */
  failuresBeforeCritical?: number;
  /** Consecutive successes that bring a critical instance back. */
  successesBeforePassing?: number;
  /** A critical instance is deregistered after this long. */
  deregisterCriticalAfterSeconds?: number;
}

/**
 * What an operator set with `PATCH /service/:name/:id`; it outlives the instance's renewals.
 */
export interface InstanceOverrides {
  /** `false`: drained — registered, but out of lookups and watches. */
  enabled?: boolean;
  /** Replaces the weight the instance registers with. */
  weight?: number;
}

/**
 * Another listener of the same running app (its gRPC server, say), reached at the instance's host
 * on its own port. It is renewed, drained and removed with the instance; its own check decides only
 * whether it is routable for its protocol.
 */
export interface InstanceEndpoint {
  port: number;
  protocol: EndpointProtocol;
  /** The check the registry runs against the instance's host and this port, when it has one. */
  check?: InstanceHealthCheck;
}

/** What the registry concluded about one named endpoint's check; an endpoint with no entry is passing. */
export interface EndpointHealth {
  status: InstanceStatus;
  /** When `status` last changed (ISO-8601). */
  statusSince?: string;
  /** The last probe's outcome, e.g. `SERVING`. */
  checkOutput?: string;
}

/**
 * One live instance of a service (one running app), exactly as the registry returns it. Callers
 * only route to instances that are `passing` and not drained (`enabled !== false`), and to a named
 * endpoint only while its own check passes too; the fields added with health checks, operator
 * controls and named endpoints are optional so older registries' answers still fit.
 */
export interface ServiceInstance {
  id: string;
  name: string;
  host: string;
  port: number;
  protocol: InstanceProtocol;
  tags: string[];
  metadata: Record<string, string>;
  /** Relative share of traffic, with an operator's override already applied. */
  weight: number;
  ttlSeconds: number;
  status: InstanceStatus;
  /** False while drained, by an operator or by the instance itself during a graceful stop. */
  enabled?: boolean;
  /** The operator's overrides, when any. */
  overrides?: InstanceOverrides;
  /** The active health check the registry runs, when the instance registered one. */
  check?: InstanceHealthCheck;
  /** When `status` last changed (ISO-8601). */
  statusSince?: string;
  /** The last probe's outcome, e.g. `HTTP 200`. */
  checkOutput?: string;
  /**
   * The app's other listeners by name (`grpc`…); the top-level address is its primary (HTTP) one.
   * A gRPC client calls `host:endpoints.grpc.port`.
   */
  endpoints?: Record<string, InstanceEndpoint>;
  /** The registry's view of each named endpoint's check (no entry: passing). */
  endpointHealth?: Record<string, EndpointHealth>;
  /** ISO-8601 */
  registeredAt: string;
  /** ISO-8601 */
  lastHeartbeat: string;
}

/** Every service's instances, keyed by service name. */
export type ServiceMap = Record<string, ServiceInstance[]>;
