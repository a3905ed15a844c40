// What every app of the platform shares about Prometheus metrics: the process metrics and the inbound
// request histogram's name, buckets and route label. An entry point of its own ('@nest-discovery/discovery/metrics')
// for an app that makes no discovery calls (the registry), so both serve the same series the same way and
// the process metrics are collected once per process, whichever app asks first.
export { registryWithProcessMetrics } from './process.metrics';
export { HTTP_SERVER_DURATION, LATENCY_BUCKETS_SECONDS, RequestDurationCells, routeLabel, UNMATCHED_ROUTE } from './http-server.metric';
// The cells the library's own hot paths count in, for the registry's (a series updated by a field write).
export { CounterFamily, HistogramFamily } from './metric-cells';
export type { CounterCell, HistogramCell } from './metric-cells';
