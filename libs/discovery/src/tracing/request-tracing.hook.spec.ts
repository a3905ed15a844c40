import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import Fastify, { FastifyInstance } from 'fastify';
import { RequestContext } from '../context/request-context';
import { requestScopeOf, useRequestContext } from '../context/request-context.hook';
import { serverSpanOf, useRequestTracing } from './request-tracing.hook';

describe('useRequestTracing (a real Fastify app, the Node SDK)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let app: FastifyInstance;
  /** The span the library's clients would make a handler's calls children of (see CallTracing). */
  let current: string | undefined;
  /** OpenTelemetry's active span in the handler. */
  let active: string | undefined;

  beforeAll(async () => {
    provider.register();
    app = Fastify({ genReqId: () => 'req-7' });
    useRequestTracing(app);
    app.get('/add/:a/:b', (request) => {
      // No useRequestContext in this app (a leaf, as calc): a handler that calls on enters the scope itself.
      current = RequestContext.run(requestScopeOf(request), () => trace.getSpan(RequestContext.current()!.trace!)?.spanContext().spanId);
      active = trace.getActiveSpan()?.spanContext().spanId;
      serverSpanOf(request)?.setAttribute('handler.saw', true);
      return { result: 3 };
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/health', () => ({ status: 'ok' }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await provider.shutdown();
  });
  afterEach(() => exporter.reset());

  it("makes a server span per request, a child of the caller's traceparent, carried in the request's scope (not entered)", async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await app.inject({ url: '/add/1/2?x=1', headers: { traceparent } });
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'GET /add/:a/:b',
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/add/1/2',
        'http.route': '/add/:a/:b',
        'discovery.request_id': 'req-7',
        'http.response.status_code': 200,
        'handler.saw': true,
      },
    });
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(current).toBe(span.spanContext().spanId);
    expect(active).toBeUndefined();
  });

  it('ignores a traceparent that is not W3C trace context, and keeps a tracestate', async () => {
    await app.inject({ url: '/add/1/2', headers: { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' } });
    await app.inject({ url: '/add/1/2', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=x' } });
    const [invalid, valid] = exporter.getFinishedSpans();
    expect(invalid.parentSpanContext).toBeUndefined();
    expect(valid.spanContext().traceState?.get('vendor')).toBe('x');
  });

  it('carries the span in the request context, whichever hook comes first; or makes it active when asked', async () => {
    const seen = async (install: (app: FastifyInstance) => void): Promise<[string | undefined, string | undefined, string]> => {
      const other = Fastify();
      install(other);
      let carried: string | undefined;
      let entered: string | undefined;
      other.get('/x', () => {
        carried = trace.getSpan(RequestContext.current()?.trace ?? context.active())?.spanContext().spanId;
        entered = trace.getActiveSpan()?.spanContext().spanId;
        return {};
      });
      try {
        await other.inject({ url: '/x' });
      } finally {
        await other.close();
      }
      const spans = exporter.getFinishedSpans();
      return [carried, entered, spans[spans.length - 1].spanContext().spanId];
    };
    const [first, none, firstSpan] = await seen((a) => (useRequestTracing(a), useRequestContext(a)));
    expect([first, none]).toEqual([firstSpan, undefined]);
    const [second, , secondSpan] = await seen((a) => (useRequestContext(a), useRequestTracing(a)));
    expect(second).toBe(secondSpan);
    const [, entered, activeSpan] = await seen((a) => useRequestTracing(a, { activeSpan: true }));
    expect(entered).toBe(activeSpan);
  });

  it('marks a 5xx an error and leaves probes untraced', async () => {
    await app.inject({ url: '/boom' });
    await app.inject({ url: '/health' });
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.status.code])).toEqual([['GET /boom', SpanStatusCode.ERROR]]);
  });

  it('leaves a request alone that another instrumentation already spans', async () => {
    // What @opentelemetry/instrumentation-http does: a span entered before the app's hooks run.
    const instrumented = Fastify();
    const outer = provider.getTracer('http-instrumentation').startSpan('GET');
    instrumented.addHook('onRequest', (_request, _reply, done) => context.with(trace.setSpan(context.active(), outer), done));
    useRequestTracing(instrumented);
    instrumented.get('/add/:a/:b', () => {
      current = trace.getActiveSpan()?.spanContext().spanId;
      return { result: 3 };
    });
    try {
      await instrumented.inject({ url: '/add/1/2' });
    } finally {
      await instrumented.close();
    }
    outer.end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['GET']);
    expect(current).toBe(outer.spanContext().spanId);
  });
});
