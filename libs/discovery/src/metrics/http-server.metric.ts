import type { FastifyRequest } from 'fastify';

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
