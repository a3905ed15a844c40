import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isProbePath, pathOf } from '../context/probe-paths';
import { ATTR } from './span-attributes';
import type { StartedTracing } from './start-tracing';
import { discoveryTracer } from './tracer';

/** Options of {@link useRequestTracing}. */
export interface RequestTracingOptions {
  /** The SDK `startTracing` registered: shut down (what it buffers exported) when the app closes. */
  readonly sdk?: StartedTracing;
}

/** The server span of each traced request; absent until {@link useRequestTracing} installs its hooks. */
let serverSpans: WeakMap<FastifyRequest, Span> | undefined;

/**
 * A SERVER span per request of a Fastify app (a Nest `FastifyAdapter`'s instance), while an OpenTelemetry SDK
 * is registered: a child of the caller's span when the request brings W3C `traceparent` (through the app's
 * propagator), named `METHOD /route/:pattern`, with the request's id (`discovery.request_id`), its route and
 * its status; 5xx are errors. The span is the current one while the request is handled, so every call the
 * handler makes (`ServiceClient`, declarative and gRPC clients) is its child and carries the trace on.
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
 * ```
 */
export function useRequestTracing(fastify: FastifyInstance, options: RequestTracingOptions = {}): void {
  const tracer = discoveryTracer();
  if (tracer === undefined) return;
  const sdk = options.sdk;
  if (sdk !== undefined) fastify.addHook('onClose', () => sdk.shutdown());
  const spans = (serverSpans ??= new WeakMap());
  // Callback hooks: no promise per request; `done` runs inside the context entered, and so does the handler.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const active = context.active();
    if (isProbePath(request.url) || trace.getSpan(active) !== undefined) return done();
    const route = request.routeOptions.url;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR.httpMethod]: request.method,
          [ATTR.urlPath]: pathOf(request.url),
          ...(route === undefined ? {} : { [ATTR.httpRoute]: route }),
          [ATTR.requestId]: request.id,
        },
      },
      parent,
    );
    spans.set(request, span);
    context.with(trace.setSpan(parent, span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      spans.delete(request);
      span.setAttribute(ATTR.httpStatus, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      spans.delete(request);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
      span.end();
    }
    done();
  });
}

/**
 * The server span {@link useRequestTracing} made for `request`, to add what the handler knows (the registry
 * puts the instance and revision of a registration on it); undefined when the request is not traced.
 *
 * @example serverSpanOf(reply.request)?.setAttribute('registry.revision', revision)
 */
export function serverSpanOf(request: FastifyRequest): Span | undefined {
  return serverSpans?.get(request);
}
