import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';

/** What is known about the request being handled. */
export interface RequestScope {
  /** The id of the request, sent on as `x-request-id` by every call made while handling it. */
  readonly requestId: string;
  /**
   * When the request's caller stops waiting (ms since the epoch, this process's clock), from the budget it
   * sent (`x-timeout-ms`, gRPC's deadline) or one the app set: every call made while handling the request
   * times out by then, and one made after it fails at once without being sent.
   */
  readonly deadline?: number;
  /**
   * The OpenTelemetry context the request is handled in — its server span (`useRequestTracing`) — while
   * tracing: the calls made for the request are that span's children. Carried here rather than entered in
   * OpenTelemetry's context manager, which would cost a second AsyncLocalStorage on every request.
   */
  readonly trace?: Context;
}

// One storage for the process: a store per request, found again across every await inside it.
const storage = new AsyncLocalStorage<RequestScope>();

/**
 * The request being handled, wherever the code runs: `ServiceClient`, declarative clients and gRPC
 * clients read its id and send it as `x-request-id` (HTTP header or gRPC metadata) unless the caller
 * set one, so one id follows a request through every service it reaches.
 *
 * Filled per HTTP request by {@link useRequestContext} (a Fastify hook); code outside any request
 * (timers, heartbeats, startup) sees no context and sends no id. One `AsyncLocalStorage` lookup
 * per outgoing call is all it costs.
 *
 * @example
 * ```ts
 * // A queue consumer carrying the message's id into the calls it makes:
 * await RequestContext.run({ requestId: message.id }, () => this.orders.handle(message));
 * RequestContext.requestId(); // → undefined outside, message.id inside
 * ```
 */
export abstract class RequestContext {
  /** Runs `fn` (and everything it starts, across awaits) with `scope` as the current request. */
  static run<T>(scope: RequestScope, fn: () => T): T {
    return storage.run(scope, fn);
  }

  /** The current request, or undefined outside any. */
  static current(): RequestScope | undefined {
    return storage.getStore();
  }

  /** Milliseconds the current request has left, or undefined when it has no deadline (or there is no request). */
  static remainingMs(): number | undefined {
    const deadline = storage.getStore()?.deadline;
    return deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
  }

  /** The current request's id, or undefined outside any request. */
  static requestId(): string | undefined {
    return storage.getStore()?.requestId;
  }
}
