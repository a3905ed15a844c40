import { ServiceInstance } from '../interfaces/service-instance.interface';
import { TransportHeaders } from './http-transport.interface';

/**
 * One logical HTTP call as interceptors see it — the same shape as the gRPC clients' `GrpcCallContext`.
 * `headers` (and `body`, `timeoutMs`) may be changed before calling `next()`; every attempt sends what they
 * hold then.
 */
export interface HttpCallContext {
  /** Registered service name the call resolves, e.g. `calc`. */
  readonly service: string;
  readonly method: string;
  /** Path on the instance, query string included. */
  readonly path: string;
  /** `request` (buffered, parsed answer) or `stream` (a proxy's call). */
  readonly kind: 'request' | 'stream';
  /** Whether the call may be retried after it may have reached a server. */
  readonly idempotent: boolean;
  /** Request headers sent with every attempt (lower-case names). */
  headers: TransportHeaders;
  body: unknown;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

/** What a successful call yields: the answer (`request`: the parsed body; `stream`: the upstream response), who answered, and after how many attempts. */
export interface HttpCallResult<T = unknown> {
  response: T;
  instance: ServiceInstance;
  attempts: number;
}

/** Runs the rest of the chain (the next interceptor, or the load-balanced call itself). */
export type HttpNext = () => Promise<HttpCallResult>;

/**
 * An HTTP client interceptor: wraps one logical call (all its attempts), onion-style, like the gRPC ones.
 * Module interceptors (`DiscoveryModule.forRoot({ http: { interceptors } })`) run outside a declarative
 * client's (`@RemoteService(name, { interceptors })`) and a call's own (`ServiceClient.request({ interceptors })`);
 * within a list, the first is the outermost: it sees the call first and its outcome (result or error) last.
 *
 * @example
 * ```ts
 * class AuthInterceptor implements HttpClientInterceptor {
 *   constructor(private readonly token: () => string) {}
 *   intercept(ctx: HttpCallContext, next: HttpNext) {
 *     ctx.headers.authorization = `Bearer ${this.token()}`;
 *     return next();
 *   }
 * }
 * ```
 */
export interface HttpClientInterceptor {
  intercept(ctx: HttpCallContext, next: HttpNext): Promise<HttpCallResult>;
}
