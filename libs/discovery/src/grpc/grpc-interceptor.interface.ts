import type { Metadata } from '@grpc/grpc-js';
import { ServiceInstance } from '../interfaces/service-instance.interface';

/**
 * One logical gRPC call as interceptors see it. `request`, `metadata` and `deadline` may be changed
 * before calling `next()`; the load-balanced attempts use whatever they hold then.
 */
export interface GrpcCallContext {
  /** Registered service name the call resolves, e.g. `calc`. */
  readonly service: string;
  /** Fully qualified proto service, e.g. `calc.Calculator`. */
  readonly grpcService: string;
  /** Proto method name, e.g. `Add`. */
  readonly method: string;
  /** Wire path, e.g. `/calc.Calculator/Add`. */
  readonly path: string;
  /** Whether the method was declared idempotent (retried after it may have reached a server). */
  readonly idempotent: boolean;
  request: unknown;
  /** Request metadata sent with every attempt. */
  readonly metadata: Metadata;
  /** Absolute deadline (ms since the epoch) covering every attempt; sent to the server as `grpc-timeout`. */
  deadline: number;
}

/** What a successful call yields besides the response: the metadata both ways and who answered. */
export interface GrpcCallResult<Response = unknown> {
  response: Response;
  /** The server's initial metadata (headers). */
  headers: Metadata;
  /** The server's trailing metadata, sent with the status. */
  trailers: Metadata;
  /** The instance whose answer this is. */
  instance: ServiceInstance;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
}

/** Runs the rest of the chain (the next interceptor, or the load-balanced call itself). */
export type GrpcNext = () => Promise<GrpcCallResult>;

/**
 * A client interceptor: wraps one logical call (all its attempts), onion-style. Module
 * interceptors (`DiscoveryModule.forRoot({ grpc: { interceptors } })`) run outside client ones
 * (`forGrpcClients([{ interceptors }])`); within a list, the first is the outermost: it sees the
 * call first and its outcome (result or error) last.
 *
 * @example
 * ```ts
 * class AuthInterceptor implements GrpcClientInterceptor {
 *   constructor(private readonly token: () => string) {}
 *   intercept(ctx: GrpcCallContext, next: GrpcNext) {
 *     ctx.metadata.set('authorization', `Bearer ${this.token()}`);
 *     return next();
 *   }
 * }
 * ```
 */
export interface GrpcClientInterceptor {
  intercept(ctx: GrpcCallContext, next: GrpcNext): Promise<GrpcCallResult>;
}
