/**
 * Latency buckets in seconds, finer below 10 ms than prom-client's defaults: a registry answers in
 * about a millisecond, and buckets that start at 5 ms would put every request in the first one.
 */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request no route matched (its raw URL would be unbounded). */
export const UNMATCHED_ROUTE = 'unmatched';
