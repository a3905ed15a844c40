import { InstanceProtocol } from './service-instance.interface';
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
  /** Bearer token for registry writes. Default `REGISTRY_TOKEN`. */
  token?: string;
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
}
