// '@nest-discovery/discovery/tracing': OpenTelemetry traces. The library's spans need only @opentelemetry/api;
// `startTracing` registers the Node SDK (optional peer dependencies, loaded only when an endpoint is set).
export { startTracing, OTLP_PROTOCOL, OTLP_PROTOCOLS } from './start-tracing';
export type { StartedTracing, StartTracingOptions } from './start-tracing';
export type { RequestTracingOptions } from './request-tracing.hook';
export { serverSpanOf, useRequestTracing } from './request-tracing.hook';
export { grpcServerTracing } from './grpc-server-tracing';
