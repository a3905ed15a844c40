import type { FastifyRequest } from 'fastify';

/** A log entry of a request's handler: the message and the request's id (`reqId`, as on its request line). */
export interface RequestLine {
  msg: string;
  reqId: string;
}

/**
 * The registry makes no calls on a request's behalf, so it keeps no request context (an
 * `AsyncLocalStorage` costs every promise a hook on Node 20, a tenth of a renewal): the few lines its
 * handlers log name their request themselves. Pass the result to a Nest `Logger` as the message.
 *
 * @example this.logger.log(requestLine(request, `Deregistered ${name}/${id}`));
 */
export function requestLine(request: Pick<FastifyRequest, 'id'>, msg: string): RequestLine {
  return { msg, reqId: request.id };
}
