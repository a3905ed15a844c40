// Loaded with `node --require` into a Nest floor process (nest-gateway.floor.js, nest-calc.floor.js — unchanged)
// by the tracing-cost case: OpenTelemetry as an app without this project would set it up. The same SDK set-up
// as the project's startTracing — a NodeTracerProvider (sampler from OTEL_TRACES_SAMPLER, service.name from
// OTEL_SERVICE_NAME), a BatchSpanProcessor (OTEL_BSP_* defaults) and the OTLP protobuf exporter to
// OTEL_EXPORTER_OTLP_ENDPOINT — plus the official auto-instrumentation: instrumentation-http (a server span per
// request; its own client spans for node:http, which the exporter's requests suppress) and
// instrumentation-undici (a client span per undici request, traceparent injected). Registered with the default
// AsyncLocalStorage context manager, which that instrumentation needs to parent the client span on the server's.
const { BatchSpanProcessor, NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const resources = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');

const resource = resources.defaultResource().merge(resources.detectResources({ detectors: [resources.envDetector] }));
const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
registerInstrumentations({ tracerProvider: provider, instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()] });

// Export what is still buffered when the bench stops the floor.
process.once('SIGTERM', () => {
  provider.shutdown().finally(() => process.exit(0));
});
