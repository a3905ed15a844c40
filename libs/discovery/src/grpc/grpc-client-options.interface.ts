import type { ChannelCredentials, ChannelOptions, Metadata } from '@grpc/grpc-js';
import type { Options as ProtoLoaderOptions } from '@grpc/proto-loader';
import { InstanceFilter } from '../client/service-request.interface';
import { StrategySpec } from '../load-balancing/strategy.registry';
import { GrpcClientInterceptor } from './grpc-interceptor.interface';

/** gRPC settings shared by every client: `DiscoveryModule.forRoot({ grpc: { ... } })`. */
export interface GrpcModuleOptions {
  /** Default deadline of one call, every attempt included. Default `DISCOVERY_GRPC_DEADLINE_MS`, else 5 000 ms. */
  deadlineMs?: number;
  /** Interceptors around every client's calls, outermost first (they wrap the clients' own). */
  interceptors?: GrpcClientInterceptor[];
  /** grpc-js channel options, for every channel (one per instance). */
  channelOptions?: ChannelOptions;
  /** Channel credentials. Default insecure (plaintext HTTP/2). */
  credentials?: ChannelCredentials;
}

/** Module gRPC settings after defaults are merged. @internal */
export interface ResolvedGrpcOptions {
  deadlineMs: number;
  interceptors: readonly GrpcClientInterceptor[];
  channelOptions: ChannelOptions;
  credentials: ChannelCredentials | undefined;
}

/**
 * One load-balanced gRPC client: which registered service to resolve (each instance's `grpc`
 * endpoint, or instances registered with `protocol: 'grpc'`), which proto service it speaks, and
 * how its calls behave.
 *
 * @example
 * ```ts
 * DiscoveryModule.forGrpcClients([
 *   { service: 'calc', protoPath: 'proto/calc.proto', grpcService: 'calc.Calculator', idempotent: true },
 * ]);
 * ```
 */
export interface GrpcClientOptions {
  /** Registered service name, e.g. `calc`. */
  service: string;
  /** The .proto file(s) defining `grpcService`. */
  protoPath: string | string[];
  /** Fully qualified proto service, e.g. `calc.Calculator`. */
  grpcService: string;
  /**
   * @grpc/proto-loader options; they must match the ones the TypeScript types were generated with.
   * Default `{ keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }`.
   */
  loader?: ProtoLoaderOptions;
  /**
   * Methods safe to repeat after they may have reached a server, so retried on another instance after
   * UNAVAILABLE or a dropped connection: `true` for all, or their names. Default none (a call is then
   * retried only when it provably never left).
   */
  idempotent?: true | readonly string[];
  /** Default deadline of one call, every attempt included. Default the module's `grpc.deadlineMs`. */
  deadlineMs?: number;
  /** Retries on another instance. Default the module's `retries` (2). */
  retries?: number;
  /** Load-balancing strategy. Default the module's `loadBalancing`. */
  loadBalancing?: StrategySpec;
  /** Restricts the candidate instances (tags, metadata). */
  filter?: InstanceFilter;
  /** This client's interceptors, outermost first; they run inside the module's. */
  interceptors?: GrpcClientInterceptor[];
  /** Injection name (`@InjectGrpcClient(name)`). Default `service`. */
  name?: string;
}

/** Options of one call. */
export interface GrpcCallOptions {
  /** Request metadata. A record sets one value per key (`-bin` keys take Buffers). */
  metadata?: Metadata | Record<string, string | Buffer>;
  /** Deadline of this call, every attempt included. Default the client's. */
  deadlineMs?: number;
  /** Retries on another instance. Default the client's. */
  retries?: number;
  /** Load-balancing strategy for this call. Default the client's. */
  strategy?: StrategySpec;
  /** Restricts the candidate instances; replaces the client's filter. */
  filter?: InstanceFilter;
  /** Cancels the call (CANCELLED; not counted against the instance, not retried). */
  signal?: AbortSignal;
  /**
   * Idempotent methods only, opt-in: when the first attempt has not answered after this many ms, a second
   * goes to another instance; the first answer wins, the other is cancelled.
   */
  hedgeAfterMs?: number;
}
