import { randomUUID } from 'node:crypto';
import { http } from '../helpers/http';
import { OtlpReceiver, ReceivedSpan, SPAN_KIND, startOtlpReceiver, STATUS_ERROR } from '../helpers/otlp-receiver';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

jest.setTimeout(60_000);

/** The spans of one call through the gateway, by role. */
interface CallTrace {
  all: ReceivedSpan[];
  gatewayServer: ReceivedSpan;
  call: ReceivedSpan;
  attempts: ReceivedSpan[];
  calcServers: ReceivedSpan[];
}

describe('OpenTelemetry traces across registry, gateway and calc (real processes, a real OTLP/HTTP receiver)', () => {
  let receiver: OtlpReceiver;
  let registry: RunningApp;
  let calcs: RunningApp[];
  let gateway: RunningApp;

  const brownout = (calc: RunningApp, failRatio: number) => http(`${calc.url}/fault/brownout`, { method: 'POST', body: { failRatio } });

  /** The trace of the gateway request that carried `requestId`, once it holds `spans` spans (each process exports on its own). */
  async function traceOf(requestId: string, spans: number): Promise<CallTrace> {
    const root = await waitFor(
      () => receiver.spans().find((span) => span.service === 'gateway' && span.kind === SPAN_KIND.server && span.attributes['discovery.request_id'] === requestId),
      { message: `the gateway's server span of ${requestId}` },
    );
    const all = await waitFor(() => (receiver.trace(root.traceId).length >= spans ? receiver.trace(root.traceId) : undefined), {
      message: `${spans} spans in the trace of ${requestId}`,
    });
    const call = all.find((span) => span.service === 'gateway' && span.kind === SPAN_KIND.internal)!;
    return {
      all,
      gatewayServer: root,
      call,
      attempts: all.filter((span) => span.kind === SPAN_KIND.client).sort((a, b) => Number(a.attributes['discovery.attempt']) - Number(b.attributes['discovery.attempt'])),
      calcServers: all.filter((span) => span.service === 'calc' && span.kind === SPAN_KIND.server),
    };
  }

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // Every process exports to the receiver within 50 ms of a span's end: the registry in JSON, the others in
    // protobuf (the default), so both encodings are read back.
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), ...otel, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const env = { REGISTRY_URL: registry.url, CALC_FAULTS: '1', ...otel };
    calcs = await Promise.all([startApp('calc', env), startApp('calc', env)]);
    gateway = await startApp('gateway', env);
    await waitFor(async () => (await http<Array<unknown>>(`${registry.url}/service/calc`)).body.length === 2, { message: 'both calcs registered' });
    await waitFor(async () => (await http(`${gateway.url}/calc/add/1/2`)).status === 200, { message: 'the gateway to reach calc' });
  }, 60_000);

  afterAll(async () => {
    await stopAll();
    await receiver?.close();
  });

  afterEach(() => Promise.all(calcs.map((calc) => brownout(calc, 0))));

  it('joins one call into one trace: gateway server → client call → attempt → calc server, each the parent of the next', async () => {
    const requestId = `trace-${randomUUID()}`;
    const response = await http(`${gateway.url}/calc/add/1/2`, { headers: { 'x-request-id': requestId } });
    expect(response).toMatchObject({ status: 200, body: { result: 3 } });

    const trace = await traceOf(requestId, 4);
    expect(trace.all).toHaveLength(4);
    const [attempt] = trace.attempts;
    const [calcServer] = trace.calcServers;
    expect(trace.gatewayServer).toMatchObject({ name: 'GET /calc/:op/:a/:b', parentSpanId: '' });
    expect(trace.call).toMatchObject({
      name: 'calc GET',
      parentSpanId: trace.gatewayServer.spanId,
      attributes: expect.objectContaining({ 'discovery.service': 'calc', 'discovery.protocol': 'http', 'discovery.request_id': requestId, 'discovery.attempts': 1 }),
    });
    expect(attempt).toMatchObject({
      service: 'gateway',
      name: 'GET',
      parentSpanId: trace.call.spanId,
      // Only what is the attempt's own: the request id is its parent's, the call's.
      attributes: expect.objectContaining({ 'discovery.attempt': 0, 'http.response.status_code': 200, 'discovery.outcome': 'success', 'server.address': '127.0.0.1' }),
    });
    expect(attempt.attributes['discovery.request_id']).toBeUndefined();
    expect(attempt.attributes['discovery.instance.id']).toBe(trace.call.attributes['discovery.instance.id']);
    expect(calcServer).toMatchObject({
      name: 'GET /add/:a/:b',
      parentSpanId: attempt.spanId,
      attributes: expect.objectContaining({ 'http.response.status_code': 200, 'discovery.request_id': requestId }),
    });
    expect(trace.all.every((span) => span.status !== STATUS_ERROR)).toBe(true);
  });

  it('shows a retried call as two attempt spans under its call span, the failed one in error', async () => {
    await brownout(calcs[0], 1);
    // Round robin: of two calls in a row, one starts on the browned-out calc and is retried on the other.
    let retried: CallTrace | undefined;
    for (let i = 0; i < 4 && retried === undefined; i++) {
      const requestId = `retry-${randomUUID()}`;
      expect((await http(`${gateway.url}/calc/add/2/3`, { headers: { 'x-request-id': requestId } })).status).toBe(200);
      const trace = await traceOf(requestId, 4);
      if (trace.call.attributes['discovery.attempts'] === 2) retried = await traceOf(requestId, 6);
    }
    expect(retried).toBeDefined();
    const { call, attempts, calcServers } = retried!;
    expect(attempts).toHaveLength(2);
    expect(attempts.map((attempt) => attempt.parentSpanId)).toEqual([call.spanId, call.spanId]);
    expect(attempts[0]).toMatchObject({ status: STATUS_ERROR, attributes: expect.objectContaining({ 'http.response.status_code': 503, 'discovery.attempt': 0 }) });
    expect(attempts[1]).toMatchObject({ attributes: expect.objectContaining({ 'http.response.status_code': 200, 'discovery.attempt': 1 }) });
    expect(attempts[0].attributes['discovery.instance.id']).not.toBe(attempts[1].attributes['discovery.instance.id']);
    expect(call.events).toContain('retry');
    expect(call.status).not.toBe(STATUS_ERROR);
    // Each calc's server span hangs under the attempt that reached it.
    expect(calcServers.map((span) => span.parentSpanId).sort()).toEqual(attempts.map((attempt) => attempt.spanId).sort());
  });

  it('marks a call that fails with the error status, up to the gateway server span', async () => {
    await Promise.all(calcs.map((calc) => brownout(calc, 1)));
    const requestId = `fail-${randomUUID()}`;
    const response = await http(`${gateway.url}/calc/add/1/2`, { headers: { 'x-request-id': requestId } });
    expect(response.status).toBeGreaterThanOrEqual(500);

    // The gateway server, the call, its three attempts (two retries) and calc's three server spans.
    const { gatewayServer, call, attempts } = await traceOf(requestId, 8);
    expect(call.status).toBe(STATUS_ERROR);
    expect(call.events).toEqual(expect.arrayContaining(['exception', 'retry']));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((attempt) => attempt.status === STATUS_ERROR && attempt.attributes['http.response.status_code'] === 503)).toBe(true);
    expect(gatewayServer).toMatchObject({ status: STATUS_ERROR, attributes: expect.objectContaining({ 'http.response.status_code': response.status }) });
  });

  it("carries the trace over gRPC: a gRPC client span per attempt, calc's gRPC server span its child", async () => {
    const requestId = `grpc-${randomUUID()}`;
    expect((await http(`${gateway.url}/grpc/calc/add/1/2`, { headers: { 'x-request-id': requestId } })).status).toBe(200);
    const { call, attempts, calcServers } = await traceOf(requestId, 4);
    expect(calcServers).toEqual([
      expect.objectContaining({ name: 'calc.Calculator/Add', parentSpanId: attempts[0].spanId, attributes: expect.objectContaining({ 'rpc.grpc.status_code': 0, 'discovery.request_id': requestId }) }),
    ]);
    expect(call).toMatchObject({ name: 'calc calc.Calculator/Add', attributes: expect.objectContaining({ 'discovery.protocol': 'grpc' }) });
    expect(attempts[0]).toMatchObject({
      name: 'calc.Calculator/Add',
      parentSpanId: call.spanId,
      attributes: expect.objectContaining({ 'rpc.system': 'grpc', 'rpc.service': 'calc.Calculator', 'rpc.method': 'Add', 'rpc.grpc.status_code': 0 }),
    });
  });

  it("traces the registry's side: registrations and watch answers, with what they did", async () => {
    const registration = await waitFor(
      () => receiver.spans().find((span) => span.service === 'registry' && span.name === 'POST /register' && span.attributes['discovery.service'] === 'calc'),
      { message: "a registry span of calc's registration" },
    );
    expect(registration).toMatchObject({ kind: SPAN_KIND.server, attributes: expect.objectContaining({ 'registry.registration': expect.stringMatching(/registered|updated|renewed/) }) });
    expect(typeof registration.attributes['registry.revision']).toBe('number');
    // The library's subscription long poll (GET /watch/services); GET /watch answers likewise.
    const watch = await waitFor(() => receiver.spans().find((span) => span.service === 'registry' && span.name === 'GET /watch/services'), {
      message: 'a registry span of a watch answer',
    });
    expect(watch.attributes).toEqual(expect.objectContaining({ 'registry.revision': expect.any(Number), 'registry.watch.released': expect.any(String) }));
  });
});
