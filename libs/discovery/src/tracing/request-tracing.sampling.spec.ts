import { trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, ParentBasedSampler, Sampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import Fastify, { FastifyInstance } from 'fastify';
import { RequestContext } from '../context/request-context';
import { requestScopeOf } from '../context/request-context.hook';
import { useRequestTracing } from './request-tracing.hook';

/**
 * Where a request's sampling is decided (a real Fastify app, the Node SDK with each sampler): once, by the SDK,
 * except for a caller that sent an unsampled traceparent to an app whose sampler follows its parent — then the
 * SDK is not asked at all, and the request carries the caller's context on.
 */
describe('useRequestTracing: sampling (the Node SDK, parent-based and always-on samplers)', () => {
  const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
  let exporter: InMemorySpanExporter;
  let provider: NodeTracerProvider;
  let app: FastifyInstance;
  let decisions = 0;
  /** The context the handler's calls would send (see CallTracing): its span's trace id, span id and flags. */
  let sent: string | undefined;

  /** A sampler counting the decisions it is asked for. */
  const counting = (inner: Sampler): Sampler => ({ shouldSample: (...args) => (decisions++, inner.shouldSample(...args)), toString: () => `counting ${inner.toString()}` });

  async function start(sampler: Sampler): Promise<void> {
    // A new exporter each time: shutting a provider down shuts its exporter.
    exporter = new InMemorySpanExporter();
    provider = new NodeTracerProvider({ sampler: counting(sampler), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    app = Fastify();
    useRequestTracing(app);
    app.get('/add/:a/:b', (request) => {
      const span = RequestContext.run(requestScopeOf(request), () => trace.getSpan(RequestContext.current()!.trace!))!.spanContext();
      sent = `${span.traceId}-${span.spanId}-${span.traceFlags}`;
      return { result: 3 };
    });
    await app.ready();
  }

  afterEach(async () => {
    await app.close();
    await provider.shutdown();
    trace.disable();
  });

  it("asks the SDK nothing for a request its caller left out when the sampler follows the parent (the default), and carries the caller's context", async () => {
    await start(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    const asked = decisions;
    await app.inject({ url: '/add/1/2', headers: { traceparent: unsampled } });
    expect(decisions).toBe(asked);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(sent).toBe('0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0');

    await app.inject({ url: '/add/1/2', headers: { traceparent: unsampled.replace(/00$/, '01') } });
    expect(decisions).toBe(asked + 1);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('leaves the decision to a sampler that does not follow the parent (always_on): it records what the caller left out', async () => {
    await start(new AlwaysOnSampler());
    const asked = decisions;
    await app.inject({ url: '/add/1/2', headers: { traceparent: unsampled } });
    expect(decisions).toBe(asked + 1);
    const [span] = exporter.getFinishedSpans();
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(sent).toBe(`0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-1`);
  });
});
