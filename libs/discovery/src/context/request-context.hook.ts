import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseTimeoutHeader, TIMEOUT_HEADER } from '../call/deadline';
import { serverTraceOf } from '../tracing/server-traces';
import { RequestContext, RequestScope } from './request-context';
import { REQUEST_ID_HEADER } from './request-id';

/** Options of {@link useRequestContext}. */
export interface RequestContextOptions {
  /**
   * The budget (ms) of a request that brought none in `x-timeout-ms`, by request: e.g. a gateway's default
   * per route. Undefined: no deadline for it.
   */
  defaultBudgetMs?: (request: FastifyRequest) => number | undefined;
  /**
   * Answer every request's id in its `X-Request-Id` response header (what an edge such as a gateway does, so a
   * client can quote it). Set in the same hook: no second hook per request. Default false.
   */
  echoRequestId?: boolean;
}

/**
 * Makes every request of a Fastify app (a Nest `FastifyAdapter`'s instance) the current
 * {@link RequestContext}, with Fastify's `request.id` as its id — so calls made while handling it
 * carry that id — and its deadline: the budget its caller sent in `x-timeout-ms` (relative ms), else
 * `defaultBudgetMs(request)`. Calls made while handling it time out by then and send on what remains.
 * Call it before `NestFactory.create`, with the adapter's `genReqId` set to {@link genRequestId} so the
 * id is the caller's `X-Request-Id` when it sent one.
 *
 * The context is entered in the first `onRequest` hook and lasts to the end of the handler: Fastify
 * runs the rest of the request — a parsed body included — inside the scope the hook entered.
 *
 * @example
 * ```ts
 * const adapter = new FastifyAdapter({ genReqId: genRequestId });
 * useRequestContext(adapter.getInstance());
 * const app = await NestFactory.create(AppModule, adapter);
 * ```
 */
export function useRequestContext(fastify: FastifyInstance, options: RequestContextOptions = {}): void {
  const echo = options.echoRequestId === true;
  // A callback hook, not an async one: no promise per request, and `done` runs inside the scope.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (echo) reply.header(REQUEST_ID_HEADER, request.id);
    RequestContext.run(requestScopeOf(request, options.defaultBudgetMs), done);
  });
}

/**
 * The {@link RequestScope} of a Fastify request: its id, its deadline from the budget its caller sent in
 * `x-timeout-ms` (else `defaultBudgetMs(request)`), counted from now, and its server span's context when
 * `useRequestTracing` traces it. For an app that enters the context only where a handler calls on (see README,
 * "Cost"): `RequestContext.run(requestScopeOf(request), () => …)`.
 */
export function requestScopeOf(request: FastifyRequest, defaultBudgetMs?: (request: FastifyRequest) => number | undefined): RequestScope {
  const budget = parseTimeoutHeader(request.headers[TIMEOUT_HEADER]) ?? defaultBudgetMs?.(request);
  const trace = serverTraceOf(request)?.context;
  if (trace !== undefined) return { requestId: request.id, deadline: budget === undefined ? undefined : Date.now() + budget, trace };
  return budget === undefined ? { requestId: request.id } : { requestId: request.id, deadline: Date.now() + budget };
}
