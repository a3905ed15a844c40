import type { HttpClientInterceptor } from '../client/http-interceptor.interface';
import type { RetryBudgetOptions } from '../resilience/retry-budget';
import type { HealthCheckBody, TlsFiles } from '@nest-discovery/registry-api';
import { HealthCheckType, InstanceProtocol } from './service-instance.interface';
import { LoadBalancingStrategy } from '../load-balancing/load-balancing-strategy.interface';
import { GrpcModuleOptions, ResolvedGrpcOptions } from '../grpc/grpc-client-options.interface';

/** Built-in load-balancing strategies, by name. */
export type LoadBalancingStrategyName =
  | 'round-robin'
  | 'random'
  | 'weighted'
  | 'least-outstanding'
  | 'p2c-ewma';

/** Per-instance outlier ejection (circuit breaking). */
export interface OutlierEjectionOptions {
  /** Consecutive failures that eject an instance. Default 5. */
  consecutiveFailures?: number;
  /** How long an ejected instance is skipped before one probe call is let through. Default 10 000 ms. */
  cooldownMs?: number;
}

/**
 * The active health check registered with the app's main (HTTP) endpoint: the registry probes it
 * and leaves the instance out of lookups while it fails (see the registry's `check` contract).
 * Unset fields fall back to environment variables, then to the registry's defaults.
 *
 * @example
 * ```ts
 * DiscoveryModule.forRoot({ name: 'orders', check: { path: '/api/health', intervalSeconds: 5 } })
 * DiscoveryModule.forRoot({ name: 'worker', check: { type: 'tcp' } })   // no HTTP health endpoint
 * DiscoveryModule.forRoot({ name: 'batch', check: false })              // no active check at all
 * ```
 */
export interface HealthCheckOptions {
  /** `http` (GET `path`, 2xx/3xx passes), `tcp` (a connect) or `grpc` (grpc.health.v1). Default 'http'. */
  type?: HealthCheckType;
  /**
   * `http`: the path the registry GETs. Default `DISCOVERY_CHECK_PATH`, else `/health` — and when
   * neither is set and the app serves no `GET /health` route (Fastify), a `tcp` check is registered instead,
   * so an app without a health endpoint is not marked critical.
   */
  path?: string;
  /** `grpc`: the service asked of grpc.health.v1. Default `''` (the whole server). */
  service?: string;
  /** Seconds between two probes, 1–3600. Default `DISCOVERY_CHECK_INTERVAL_SECONDS`, else 10. */
  intervalSeconds?: number;
  /** A probe slower than this fails, 1–300 s. Default: the registry's (2 s, at most the interval). */
  timeoutSeconds?: number;
  /** Consecutive failed probes that make the instance critical, 1–100. Default: the registry's (3). */
  failuresBeforeCritical?: number;
  /** Consecutive passed probes that bring it back, 1–100. Default: the registry's (2). */
  successesBeforePassing?: number;
  /** A critical instance is deregistered after this long, 1–86 400 s. Default: the registry's (60). */
  deregisterCriticalAfterSeconds?: number;
}

/** Settings of the fast lane's clients (`DiscoveryModule.forTcpClients`). */
export interface TcpModuleOptions {
  /**
   * Persistent connections per instance, each multiplexing any number of calls. Default
   * `DISCOVERY_TCP_CONNECTIONS`, else 2.
   */
  connectionsPerInstance?: number;
}

/**
 * Options of {@link DiscoveryModule.forRoot}. Every field is optional; unset fields fall back to
 * environment variables, then to defaults (see the README's configuration reference).
 */
export interface DiscoveryModuleOptions {
  /** Service name this app registers as. Required unless `register` is false. */
  name?: string;
  /** Register this app with the registry. Default true; false makes a pure client. */
  register?: boolean;
  /** Host to advertise. Default `ADVERTISE_HOST`, else the first non-internal IPv4, else 127.0.0.1. */
  host?: string;
  /** Port to advertise. Default: the port the HTTP server actually listens on. */
  port?: number;
  /** Protocol to advertise. Default 'http'. */
  protocol?: InstanceProtocol;
  /** Stable instance id. Default: assigned by the registry on first registration. */
  instanceId?: string;
  tags?: string[];
  metadata?: Record<string, string>;
  /** Relative share of traffic, 1–1000. Default 1. */
  weight?: number;
  /** How long the registration lives without a renewal. Default 30 s. */
  ttlSeconds?: number;
  /** Renewal interval. Default a third of the TTL. */
  heartbeatIntervalMs?: number;
  /** Registry base URLs, tried in order on failure. Default `REGISTRY_URL` (comma-separated), else http://127.0.0.1:3100. */
  urls?: string[];
  /** Bearer token for registry writes (register, renew, deregister): a write token. Default `REGISTRY_TOKEN`. */
  token?: string;
  /**
   * Bearer token for registry reads (lookups, watch), for a registry that guards reads. Default
   * `REGISTRY_READ_TOKEN`, else `token` (a write token reads too).
   */
  readToken?: string;
  /** Caller's zone: instances whose `metadata.zone` matches are preferred. Default `DISCOVERY_ZONE`. */
  zone?: string;
  /** Default strategy for every client. Default 'round-robin'. */
  loadBalancing?: LoadBalancingStrategyName | LoadBalancingStrategy;
  /** Default per-call timeout. Default 5 000 ms. */
  timeoutMs?: number;
  /** Retries on another instance for idempotent calls. Default 2. */
  retries?: number;
  /** Backoff before a retry. Default 25 ms (jittered). */
  retryBackoffMs?: number;
  outlierEjection?: OutlierEjectionOptions;
  /** Long-poll the registry to keep the instance cache fresh. Default true. */
  watch?: boolean;
  /** HTTP client of the call path. Default `DISCOVERY_TRANSPORT`, else 'undici' (axios is ~5× slower; kept for comparison). */
  transport?: 'undici' | 'axios';
  /** Pooled keep-alive connections per instance. Default `DISCOVERY_HTTP_CONNECTIONS`, else 32. */
  connectionsPerInstance?: number;
  /** Settings shared by every gRPC client (deadline, interceptors, channel options). */
  grpc?: GrpcModuleOptions;
  /** Settings shared by every HTTP call (`ServiceClient`, declarative clients, the proxy). */
  http?: HttpModuleOptions;
  /** Settings shared by every fast-lane (TCP) client. */
  tcp?: TcpModuleOptions;
  /**
   * Retries per service are capped at a share of its recent calls, so a brownout is not multiplied by
   * retries (Envoy's and Finagle's retry budget). Default `{ ratio: 0.2, minPerSecond: 3, windowSeconds: 10 }`;
   * `DISCOVERY_RETRY_BUDGET_RATIO` and `DISCOVERY_RETRY_BUDGET_MIN_PER_SECOND` set the first two.
   */
  retryBudget?: Partial<RetryBudgetOptions>;
  /**
   * Record Prometheus metrics of outbound calls, of this app's registration and (with
   * `DiscoveryMetricsModule`) of its inbound requests, served at `GET /metrics`. Default
   * `DISCOVERY_METRICS` (`true`/`false`), else true. False leaves the call path untouched and `/metrics` 404.
   * @example DiscoveryModule.forRoot({ name: 'calc', metrics: false })
   */
  metrics?: boolean;
  /**
   * The active health check sent with every registration and renewal: by default an HTTP GET of the
   * app's `/health` (see {@link HealthCheckOptions}); `false` registers none. Endpoints added with
   * `RegistrationService.addEndpoint` (named endpoints) get one of their own (gRPC: grpc.health.v1, else tcp), and none
   * when this is `false`. Default on; `DISCOVERY_CHECK=false` turns it off.
   */
  check?: HealthCheckOptions | false;
  /**
   * Upper bound of the graceful stop's drain: marking the instance disabled at the registry, the
   * propagation grace and the wait for in-flight requests, before it deregisters. 0 deregisters at
   * once. Default `DISCOVERY_DRAIN_TIMEOUT_MS`, else 10 000 ms.
   */
  drainTimeoutMs?: number;
  /**
   * How long a draining instance keeps serving after the registry took its `enabled: false`, so every
   * client's cache (updated by the registry's long poll within milliseconds) stops picking it before
   * the in-flight wait starts. Default `DISCOVERY_DRAIN_GRACE_MS`, else 300 ms.
   */
  drainGraceMs?: number;
}

/** Settings shared by every HTTP call. */
export interface HttpModuleOptions {
  /** Outermost first; they run outside a client's and a call's own. */
  interceptors?: HttpClientInterceptor[];
}

/** The main endpoint's check after defaults are merged; the `check` of its registrations. @internal */
export interface ResolvedHealthCheck extends HealthCheckBody {
  intervalSeconds: number;
  /**
   * True when the path is only the default (no option, no env): if the app serves no such route,
   * a `tcp` check is registered instead.
   */
  pathIsDefault: boolean;
}

/**
 * Options after defaults and environment variables are merged (by `resolveDiscoveryOptions`),
 * which is the only shape the module's services read. @internal
 */
export interface ResolvedDiscoveryOptions {
  name: string | undefined;
  register: boolean;
  host: string;
  /** Undefined until known: then the listening port is used. */
  port: number | undefined;
  protocol: InstanceProtocol;
  instanceId: string | undefined;
  tags: string[];
  metadata: Record<string, string>;
  weight: number;
  ttlSeconds: number;
  heartbeatIntervalMs: number;
  urls: string[];
  token: string | undefined;
  readToken: string | undefined;
  zone: string | undefined;
  loadBalancing: LoadBalancingStrategyName | LoadBalancingStrategy;
  timeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  outlierEjection: Required<OutlierEjectionOptions>;
  watch: boolean;
  transport: 'undici' | 'axios';
  connectionsPerInstance: number;
  grpc: ResolvedGrpcOptions;
  tcp: Required<TcpModuleOptions>;
  http: { interceptors: HttpClientInterceptor[] };
  retryBudget: RetryBudgetOptions;
  metrics: boolean;
  check: ResolvedHealthCheck | false;
  drainTimeoutMs: number;
  drainGraceMs: number;
  /**
   * `DISCOVERY_TLS_*`: the CA trusted by calls to `https` instances and registries, and the app's
   * certificate, presented on those calls to servers that require one. Undefined: plain settings.
   */
  tls: TlsFiles | undefined;
}
