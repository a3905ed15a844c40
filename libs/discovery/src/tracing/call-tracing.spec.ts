import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, ParentBasedSampler, ReadableSpan, Sampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { RequestContext } from '../context/request-context';
import { instance, json, makeClient, startServer, StaticSource, TestClient, TestServer } from '../client/test-support/fixtures';

/**
 * The call pipeline's spans, with the real Node SDK registered (spans kept in memory) and real HTTP servers:
 * what the adapter makes of a call, its attempts, its retries and its failures, and what each attempt sends.
 */
describe('call spans (ServiceClient, the Node SDK, real HTTP servers)', () => {
  const exporter = new InMemorySpanExporter();
  // The SDK's default sampler, counting the decisions it is asked for.
  let decisions = 0;
  const parentBased = new ParentBasedSampler({ root: new AlwaysOnSampler() });
  const sampler: Sampler = {
    shouldSample: (...args) => (decisions++, parentBased.shouldSample(...args)),
    toString: () => `counting ${parentBased.toString()}`,
  };
  const provider = new NodeTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];

  beforeAll(() => provider.register());
  afterAll(() => provider.shutdown());
  afterEach(async () => {
    exporter.reset();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  /** Answers `status` with the traceparent it got. */
  const server = async (status: number): Promise<TestServer> => {
    const s = await startServer((req, res) => json(res, status, { traceparent: req.headers.traceparent }));
    servers.push(s);
    return s;
  };
  const client = (source: StaticSource, retries = 2): TestClient['client'] => {
    const c = makeClient(source, { retries });
    clients.push(c);
    return c.client;
  };
  const spans = (kind: SpanKind): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.kind === kind);
  const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

  it('makes a call span and an attempt span under it, and sends the attempt as the traceparent', async () => {
    const s = await server(200);
    const c = client(new StaticSource().set('svc', [instance('a', s.port)]));
    const answer = await RequestContext.run({ requestId: 'req-1' }, () => c.request<{ traceparent: string }>({ service: 'svc', path: '/x' }));

    const [call] = spans(SpanKind.INTERNAL);
    const [attempt] = spans(SpanKind.CLIENT);
    expect(call).toMatchObject({ name: 'svc GET', attributes: expect.objectContaining({ 'discovery.service': 'svc', 'discovery.request_id': 'req-1', 'discovery.attempts': 1 }) });
    expect(attempt).toMatchObject({
      name: 'GET',
      attributes: expect.objectContaining({ 'discovery.instance.id': 'a', 'server.port': s.port, 'discovery.attempt': 0, 'http.response.status_code': 200 }),
    });
    expect(parentOf(attempt)).toBe(call.spanContext().spanId);
    // The attempt adds what is its own; what the call says (service, request id) is not repeated under it.
    expect(Object.keys(attempt.attributes)).not.toEqual(expect.arrayContaining(['discovery.service']));
    expect(Object.keys(attempt.attributes)).not.toEqual(expect.arrayContaining(['discovery.request_id']));
    const { traceId, spanId } = attempt.spanContext();
    expect(answer.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('makes a call a child of the current span', async () => {
    const s = await server(200);
    const c = client(new StaticSource().set('svc', [instance('a', s.port)]));
    const outer = provider.getTracer('test').startSpan('outer');
    await context.with(trace.setSpan(context.active(), outer), () => c.request({ service: 'svc', path: '/' }));
    outer.end();
    expect(parentOf(spans(SpanKind.INTERNAL)[0])).toBe(outer.spanContext().spanId);
  });

  it("makes a call a child of the request's server span, carried in the request context", async () => {
    const s = await server(200);
    const c = client(new StaticSource().set('svc', [instance('a', s.port)]));
    const serverSpan = provider.getTracer('test').startSpan('GET /x');
    await RequestContext.run({ requestId: 'req-2', trace: trace.setSpan(ROOT_CONTEXT, serverSpan) }, () => c.request({ service: 'svc', path: '/' }));
    serverSpan.end();
    expect(parentOf(spans(SpanKind.INTERNAL)[0])).toBe(serverSpan.spanContext().spanId);
  });

  it("records nothing of a call under an unsampled span, asks the SDK for nothing, and sends that span's context unsampled", async () => {
    const s = await server(503);
    const c = client(new StaticSource().set('svc', [instance('a', s.port), instance('b', s.port)]));
    // The request's server span, left out by the sampler: its calls, retries included, are left out too.
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0, isRemote: true });
    const asked = decisions;
    await expect(RequestContext.run({ requestId: 'req-3', trace: parent }, () => c.request({ service: 'svc', path: '/' }))).rejects.toMatchObject({
      status: 503,
      body: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' },
    });
    expect(decisions).toBe(asked);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('samples a call with no parent itself: the root of its own trace', async () => {
    const s = await server(200);
    const c = client(new StaticSource().set('svc', [instance('a', s.port)]));
    const asked = decisions;
    const answer = await c.request<{ traceparent: string }>({ service: 'svc', path: '/' });
    expect(decisions).toBe(asked + 2);
    const [call] = spans(SpanKind.INTERNAL);
    expect(parentOf(call)).toBeUndefined();
    expect(answer.traceparent).toBe(`00-${call.spanContext().traceId}-${spans(SpanKind.CLIENT)[0].spanContext().spanId}-01`);
  });

  it('shows a retry as a second attempt span, the first in error, and the retry as an event of the call', async () => {
    const bad = await server(503);
    const good = await server(200);
    const c = client(new StaticSource().set('svc', [instance('bad', bad.port), instance('good', good.port)]));
    // Round robin: one of two calls starts on the bad instance.
    await c.request({ service: 'svc', path: '/' });
    await c.request({ service: 'svc', path: '/' });
    const retried = spans(SpanKind.INTERNAL).find((span) => span.attributes['discovery.attempts'] === 2)!;
    const attempts = spans(SpanKind.CLIENT).filter((span) => parentOf(span) === retried.spanContext().spanId);
    expect(attempts.map((span) => [span.attributes['discovery.instance.id'], span.attributes['discovery.attempt'], span.status.code])).toEqual([
      ['bad', 0, SpanStatusCode.ERROR],
      ['good', 1, SpanStatusCode.UNSET],
    ]);
    expect(attempts[0].attributes['http.response.status_code']).toBe(503);
    expect(retried.events.map((event) => event.name)).toEqual(['retry']);
    expect(retried.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends a failed call in error, with the exception recorded', async () => {
    const bad = await server(503);
    const c = client(new StaticSource().set('svc', [instance('bad', bad.port)]), 0);
    await expect(c.request({ service: 'svc', path: '/' })).rejects.toMatchObject({ status: 503 });
    const [call] = spans(SpanKind.INTERNAL);
    expect(call.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(call.events.map((event) => event.name)).toContain('exception');
  });
});
