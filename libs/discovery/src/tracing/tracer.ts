import { trace, Tracer, TracerProvider } from '@opentelemetry/api';

/** The instrumentation scope of every span the library makes. */
export const TRACER_NAME = '@nest-discovery/discovery';

/** The API's global provider before an SDK registers one: it hands out a delegate's tracers only once it has one. */
interface DelegatingProvider extends TracerProvider {
  getDelegateTracer(name: string, version?: string): Tracer | undefined;
}

function isDelegating(provider: TracerProvider): provider is DelegatingProvider {
  return typeof (provider as Partial<DelegatingProvider>).getDelegateTracer === 'function';
}

/**
 * The library's tracer when an OpenTelemetry SDK (any `TracerProvider`) is registered, else undefined: then
 * the library makes no span, reads no context and injects no header, so tracing off costs nothing on the call
 * path (the API's no-op tracer would still allocate a span object per call). Asked once, where a client or a
 * hook is set up: an SDK must be registered before the Nest app is created (`startTracing` at the top of
 * main.ts does). @internal
 */
export function discoveryTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return isDelegating(provider) ? provider.getDelegateTracer(TRACER_NAME) : provider.getTracer(TRACER_NAME);
}
