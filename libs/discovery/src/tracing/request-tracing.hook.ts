import { context, Context, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, TraceFlags, Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isProbePath, pathOf } from '../context/probe-paths';
import { RequestContext } from '../context/request-context';
import { serverTraceOf, serverTraces } from './server-traces';
import { ATTR } from './span-attributes';
import type { StartedTracing } from './start-tracing';
import { remoteParentOf } from './trace-context';
import { discoveryTracer } from './tracer';

/** Options of {@link useRequestTracing}. */
export interface RequestTracingOptions {
  /** The SDK `startTracing` registered: shut down (what it buffers exported) when the app closes. */
  readonly sdk?: StartedTracing;
  /**
   * Also make the server span OpenTelemetry's active span while the request is handled, so handler code
   * sees it in `trace.getActiveSpan()` and spans it starts itself (or other instrumentations' spans) are its
   * children. Off by default: it enters OpenTelemetry's context manager — a second AsyncLocalStorage — on
   * every request, which costs more than the spans themselves (see README, "Tracing"), and needs a context
   * manager registered (`startTracing(name, process.env, { contextManager: true })`).
   */
  readonly activeSpan?: boolean;
}

/**
 * A SERVER span per request of a Fastify app (a Nest `FastifyAdapter`'s instance), while an OpenTelemetry SDK
 * is registered: a child of the caller's span when the request brings W3C `traceparent`, named
 * `METHOD /route/:pattern`, with the request's id (`discovery.request_id`), its route and its status; 5xx are
 * errors. Its attributes are set only when the span is sampled. A request whose caller left the trace out (an
 * unsampled `traceparent`) asks the SDK nothing when its sampler follows the parent — the default, and every
 * `parentbased_*` sampler (checked once, here) —: no span is made, and calls made for it send the caller's context
 * on, unsampled; `serverSpanOf` gives a non-recording span then.
 *
 * Every call the handler makes (`ServiceClient`, declarative and gRPC clients) is the span's child: the span
 * travels in the library's request context (`useRequestContext`, or `RequestContext.run(requestScopeOf(request),
 * …)` in an app that enters it only where a handler calls on), not in OpenTelemetry's context manager — so
 * `trace.getActiveSpan()` in a handler does not see it unless `activeSpan` is set; `serverSpanOf(request)` does.
 * Install it before `useRequestContext` (either order works; that one costs nothing more).
 *
 * Adds no hook at all when no SDK is registered (call it after `startTracing`, before `NestFactory.create`),
 * and makes no span for a request that already has one — an app with HTTP instrumentation of its own
 * (`@opentelemetry/instrumentation-http`) keeps its spans, and the library's calls become their children.
 * `/health` and `/metrics` are not traced. With `sdk`, that SDK is shut down (its last spans exported) when the
 * app closes.
 *
 * @example
 * ```ts
 * const tracing = startTracing('orders');                 // the SDK, when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * const adapter = new FastifyAdapter({ genReqId: genRequestId });
 * useRequestTracing(adapter.getInstance(), { sdk: tracing });
 * useRequestContext(adapter.getInstance());
 * ```
 */
export function useRequestTracing(fastify: FastifyInstance, options: RequestTracingOptions = {}): void {
  const tracer = discoveryTracer();
  if (tracer === undefined) return;
  const sdk = options.sdk;
  if (sdk !== undefined) fastify.addHook('onClose', () => sdk.shutdown());
  const traces = serverTraces();
  const activeSpan = options.activeSpan === true;
  const followsUnsampledCallers = followsUnsampledParents(tracer);
  // Callback hooks: no promise per request.
  fastify.addHook('onRequest', (request, _reply, done) => {
    // Reading the active context enters nothing: an instrumentation's span is there only if it entered one.
    if (isProbePath(request.url) || trace.getSpan(context.active()) !== undefined) return done();
    const route = request.routeOptions.url;
    const parent = remoteParentOf(request.headers.traceparent, request.headers.tracestate);
    // A caller that did not sample the trace: the SDK would not either (parent-based sampling, asked once below),
    // so the request asks it for nothing and carries the caller's context on, unsampled.
    const callerSpan = followsUnsampledCallers && parent !== ROOT_CONTEXT ? trace.getSpan(parent) : undefined;
    if (callerSpan !== undefined && (callerSpan.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) {
      traces.set(request, { span: callerSpan, context: parent });
      return enter(parent, done);
    }
    const span = tracer.startSpan(route === undefined ? request.method : `${request.method} ${route}`, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      span.setAttributes({ [ATTR.httpMethod]: request.method, [ATTR.urlPath]: pathOf(request.url), [ATTR.requestId]: request.id });
      if (route !== undefined) span.setAttribute(ATTR.httpRoute, route);
    }
    const current = trace.setSpan(parent, span);
    traces.set(request, { span, context: current });
    enter(current, done);
  });
  /** Makes `current` the context the rest of the request runs in. */
  const enter = (current: Context, done: () => void): void => {
    if (activeSpan) return context.with(current, done);
    // The request context entered by an earlier hook: carry the span in it (a later one finds it by request).
    const scope = RequestContext.current();
    if (scope !== undefined) return RequestContext.run({ ...scope, trace: current }, done);
    done();
  };
  fastify.addHook('onResponse', (request, reply, done) => {
    const served = traces.get(request);
    if (served !== undefined) {
      traces.delete(request);
      const span = served.span;
      span.setAttribute(ATTR.httpStatus, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const served = traces.get(request);
    if (served !== undefined) {
      traces.delete(request);
      served.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
      served.span.end();
    }
    done();
  });
}

/**
 * Whether the SDK's sampler leaves out a span whose remote parent is unsampled — what the parent-based samplers
 * (the SDK's default, every `parentbased_*` of `OTEL_TRACES_SAMPLER`) do, and `always_on` or a bare `traceidratio`
 * do not. Asked once, of the sampler itself: a span under such a parent, with a trace id every ratio samples;
 * a span it records is never ended, so never exported.
 */
function followsUnsampledParents(tracer: Tracer): boolean {
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: PROBE_TRACE_ID, spanId: PROBE_SPAN_ID, traceFlags: TraceFlags.NONE, isRemote: true });
  return !tracer.startSpan('sampling probe', { kind: SpanKind.SERVER }, parent).isRecording();
}

// The lowest valid ids: a ratio sampler samples this trace id at any ratio above zero.
const PROBE_TRACE_ID = '00000000000000000000000000000001';
const PROBE_SPAN_ID = '0000000000000001';

/**
 * The server span {@link useRequestTracing} made for `request`, to add what the handler knows (the registry
 * puts the instance and revision of a registration on it) or to start spans of its own under it; undefined
 * when the request is not traced.
 *
 * @example serverSpanOf(reply.request)?.setAttribute('registry.revision', revision)
 */
export function serverSpanOf(request: FastifyRequest): Span | undefined {
  return serverTraceOf(request)?.span;
}
