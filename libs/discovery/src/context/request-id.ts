import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header (and gRPC metadata key) one request's id travels in, between every hop. */
export const REQUEST_ID_HEADER = 'x-request-id';

// Short and printable: the id lands in log lines, response headers and other services' logs.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The caller's request id when it is sane (1–128 of `A–Z a–z 0–9 . _ : -`), else a new random UUID.
 * Anything else (too long, spaces, quotes, several values) is replaced rather than trusted.
 *
 * @example requestIdFrom(metadata.get('x-request-id')[0])
 */
export function requestIdFrom(given: unknown): string {
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * A request's id from its `X-Request-Id` header (see {@link requestIdFrom}); the `genReqId` of a
 * `FastifyAdapter`, so Fastify's `request.id`, pino-http's `reqId` and the id sent upstream agree.
 *
 * @example new FastifyAdapter({ genReqId: genRequestId })
 */
export function genRequestId(req: { headers: IncomingHttpHeaders }): string {
  return requestIdFrom(req.headers[REQUEST_ID_HEADER]);
}
