import type { CallInterceptor } from '../call/interceptor-chain';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { TransportHeaders } from './http-transport.interface';

/** One logical HTTP call as interceptors see it; `headers`, `body` and `timeoutMs` may be changed. */
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

/** The answer (`request`: the parsed body; `stream`: the upstream response), who gave it, after how many attempts. */
export interface HttpCallResult<T = unknown> {
  response: T;
  instance: ServiceInstance;
  attempts: number;
}

/** Runs the rest of the chain (the next interceptor, or the load-balanced call itself). */
export type HttpNext = () => Promise<HttpCallResult>;

/**
 * An HTTP client interceptor (see `CallInterceptor` for the order): in `DiscoveryModule.forRoot({ http:
 * { interceptors } })`, `@RemoteService(name, { interceptors })` or `ServiceClient.request({ interceptors })`.
 *
 * @example
 * ```ts
 * const auth: HttpClientInterceptor = { intercept: (ctx, next) => ((ctx.headers.authorization = `Bearer ${token()}`), next()) };
 * ```
 */
export type HttpClientInterceptor = CallInterceptor<HttpCallContext, HttpCallResult>;
