import type { FastifyInstance } from 'fastify';
import { RequestContext } from './request-context';

/**
 * Makes every request of a Fastify app (a Nest `FastifyAdapter`'s instance) the current
 * {@link RequestContext}, with Fastify's `request.id` as its id — so calls made while handling it
 * carry that id. Call it before `NestFactory.create`, with the adapter's `genReqId` set to
 * {@link genRequestId} so the id is the caller's `X-Request-Id` when it sent one.
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
export function useRequestContext(fastify: FastifyInstance): void {
  // A callback hook, not an async one: no promise per request, and `done` runs inside the scope.
  fastify.addHook('onRequest', (request, _reply, done) => {
    RequestContext.run({ requestId: request.id }, done);
  });
}
