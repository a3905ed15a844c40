import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HistogramCell, HistogramFamily } from './metric-cells';

/**
 * Latency buckets in seconds, finer below 10 ms than prom-client's defaults: a call inside a data
 * centre, or a registry answer, takes about a millisecond, and buckets starting at 5 ms would put
 * nearly all in the first.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The inbound request histogram every app of the platform (the registry too) serves under one name. */
export const HTTP_SERVER_DURATION = {
  name: 'http_server_request_duration_seconds',
  help: 'Time from receiving a request to the end of its answer, by method, route pattern and status code.',
} as const;

/** The route label of a request no route matched (its raw URL would be unbounded). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * A request's `route` label: its route pattern (`/service/:name`), never the raw URL, since one series
 * per distinct URL would grow without bound.
 */
export function routeLabel(request: FastifyRequest): string {
  return request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
}

/**
 * The inbound request histogram's cells by route, method and status, each found by strings Fastify already
 * holds (no key built per request): what an `onResponse` hook observes into. `family` is read on a request
 * of a kind not seen before only.
 */
export class RequestDurationCells {
  private readonly cells = new Map<string, Map<string, Map<number, HistogramCell>>>();

  constructor(private readonly family: () => HistogramFamily) {}

  /** Records the request's duration, Fastify's `reply.elapsedTime`. */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = routeLabel(request);
    const { method } = request;
    const status = reply.statusCode;
    let byMethod = this.cells.get(route);
    if (byMethod === undefined) this.cells.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let cell = byStatus.get(status);
    if (cell === undefined) {
      const labels = { method, route, status_code: String(status) };
      byStatus.set(status, (cell = this.family().cell(`${method} ${status} ${route}`, labels)));
    }
    cell.observe(reply.elapsedTime / 1000);
  }
}
