import { DiscoveryModule, InjectTcpClient } from '@nest-discovery/discovery';
import { TcpServiceClient } from '@nest-discovery/discovery/tcp';
import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { http } from '../helpers/http';
import { scrape, select } from '../helpers/prometheus-text';
import { CallStream, callStream } from '../helpers/call-stream';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

interface ErrorBody {
  statusCode: number;
  message: string;
  code: string;
}

interface Listed {
  id: string;
  endpoints?: { tcp?: { port: number; protocol: string } };
}

// LOG_LEVEL=debug: calc's line per finished fast-lane call (with reqId) is a debug line.
const FAST_DISCOVERY = { DISCOVERY_HEARTBEAT_MS: '300', DISCOVERY_TTL_SECONDS: '3', LOG_LEVEL: 'debug' };

/** The listed calcs that have a `tcp` endpoint (every calc: one instance per process). */
async function tcpEndpoints(registry: RunningApp): Promise<Listed[]> {
  const listed = (await http<Listed[]>(`${registry.url}/service/calc`)).body;
  return listed.filter((i) => i.endpoints?.tcp?.protocol === 'tcp');
}

/** The gateway's successful fast-lane attempts per calc instance, from its /metrics. */
async function tcpSuccessesByInstance(gateway: RunningApp): Promise<Map<string, number>> {
  const samples = select(await scrape(`${gateway.url}/metrics`), 'discovery_client_requests_total', {
    service: 'calc',
    protocol: 'tcp',
    outcome: 'success',
  });
  return new Map(samples.map((s) => [s.labels.instance, s.value]));
}

/** `GET /tcp/calc/add/n/1` from `concurrency` workers until stopped; a failure or a wrong answer is recorded. */
function addStream(gateway: RunningApp, concurrency: number): CallStream {
  return callStream(async (n) => {
    const response = await http<{ result: number }>(`${gateway.url}/tcp/calc/add/${n}/1`);
    if (response.status !== 200 || response.body.result !== n + 1) {
      throw new Error(`call ${n}: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }, concurrency);
}

@Injectable()
class StrictCalc {
  constructor(@InjectTcpClient('calc') readonly client: TcpServiceClient) {}
}

describe('GET /tcp/calc/:op/:a/:b: gateway → calc over the fast lane (real processes)', () => {
  let registry: RunningApp;
  let calcs: RunningApp[];
  let gateway: RunningApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    env = { REGISTRY_URL: registry.url, ...FAST_DISCOVERY };
    calcs = await Promise.all([startApp('calc', env, 30_000), startApp('calc', env, 30_000)]);
    gateway = await startApp('gateway', env, 30_000);
    await waitFor(async () => (await tcpEndpoints(registry)).length === 2, { timeoutMs: 15_000, message: 'two calc tcp endpoints' });
  }, 90_000);

  afterAll(() => stopAll());

  it('registers the fast lane as each calc instance’s endpoint tcp, at the free port it logged', async () => {
    const listed = await tcpEndpoints(registry);
    for (const calc of calcs) {
      const port = Number(/TCP listening on [^\s"]+:(\d+)/.exec(calc.output())?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(listed.some((i) => i.endpoints?.tcp?.port === port)).toBe(true);
    }
  });

  it('answers the four operations, maps calc’s 400 with its message, and checks op and operands itself', async () => {
    expect(await http(`${gateway.url}/tcp/calc/add/1/2`)).toMatchObject({ status: 200, body: { result: 3 } });
    expect((await http(`${gateway.url}/tcp/calc/sub/1/2`)).body).toEqual({ result: -1 });
    expect((await http(`${gateway.url}/tcp/calc/mul/0.1/3`)).body).toEqual({ result: 0.1 * 3 });
    expect((await http(`${gateway.url}/tcp/calc/div/-3/1.5e0`)).body).toEqual({ result: -2 });
    const zero = await http<ErrorBody>(`${gateway.url}/tcp/calc/div/1/0`);
    expect(zero.status).toBe(400);
    expect(zero.body).toMatchObject({ message: 'b must not be zero: division by zero', code: 'REMOTE_TCP_ERROR' });
    expect((await http<ErrorBody>(`${gateway.url}/tcp/calc/add/one/2`)).status).toBe(400);
    expect((await http<ErrorBody>(`${gateway.url}/tcp/calc/pow/1/2`)).body.message).toMatch(/^op must be one of add, sub, mul, div/);
  });

  it('carries the request id in the frame: calc’s call line has it as reqId', async () => {
    const id = `tcp-e2e-${Date.now()}`;
    expect((await http(`${gateway.url}/tcp/calc/add/2/2`, { headers: { 'x-request-id': id } })).status).toBe(200);
    const line = await waitFor(
      () => calcs.flatMap((c) => c.output().split('\n')).find((l) => l.includes(id) && l.includes('TCP call completed')),
      { message: 'calc to log the call with its request id' },
    );
    expect(JSON.parse(line)).toMatchObject({ reqId: id, tcp: { pattern: 'add', status: 200 } });
  });

  it('balances across both calcs', async () => {
    const before = await tcpSuccessesByInstance(gateway);
    for (let i = 0; i < 40; i++) expect((await http(`${gateway.url}/tcp/calc/add/${i}/1`)).status).toBe(200);
    const after = await tcpSuccessesByInstance(gateway);
    const ids = (await tcpEndpoints(registry)).map((i) => i.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect((after.get(id) ?? 0) - (before.get(id) ?? 0)).toBeGreaterThanOrEqual(10);
  });

  it('fails no call when one calc is SIGKILLed under load (retried on the other)', async () => {
    const stream = addStream(gateway, 8);
    try {
      await waitFor(() => stream.done >= 200, { timeoutMs: 20_000, message: '200 calls before the kill' });
      await calcs[0].kill();
      const killedAt = stream.done;
      await waitFor(() => stream.done >= killedAt + 400, { timeoutMs: 30_000, message: '400 calls after the kill' });
    } finally {
      await stream.stop();
    }
    expect(stream.failures).toEqual([]);
  }, 60_000);

  it('loses no call when one calc stops gracefully (SIGTERM) under load', async () => {
    // A fresh calc beside the survivor, so one is left serving once the other stopped.
    const known = new Set((await tcpEndpoints(registry)).map((i) => i.id));
    calcs.push(await startApp('calc', env, 30_000));
    const freshId = await waitFor(async () => (await tcpEndpoints(registry)).find((i) => !known.has(i.id))?.id, {
      timeoutMs: 15_000,
      message: 'the fresh calc listed',
    });
    await waitFor(
      async () => {
        await http(`${gateway.url}/tcp/calc/add/1/1`);
        return (await tcpSuccessesByInstance(gateway)).has(freshId);
      },
      { timeoutMs: 10_000, message: 'the gateway to call the fresh calc' },
    );
    const stream = addStream(gateway, 8);
    try {
      await waitFor(() => stream.done >= 200, { timeoutMs: 20_000, message: '200 calls before the stop' });
      // Nest re-raises the signal once closed: the exit is by signal, after the drain it logs.
      await calcs[1].stop('SIGTERM');
      const stoppedAt = stream.done;
      await waitFor(() => stream.done >= stoppedAt + 200, { timeoutMs: 20_000, message: '200 calls after the stop' });
    } finally {
      await stream.stop();
    }
    expect(stream.failures).toEqual([]);
    expect(calcs[1].output()).toMatch(/Drained in \d+ ms/);
  }, 90_000);

  it('loses no call of a pattern declared non-idempotent when a calc stops gracefully: only never-run calls are retried', async () => {
    const known = new Set((await tcpEndpoints(registry)).map((i) => i.id));
    calcs.push(await startApp('calc', env, 30_000));
    await waitFor(async () => (await tcpEndpoints(registry)).length === 2, { timeoutMs: 15_000, message: 'two calcs listed' });
    const stopping = calcs[calcs.length - 2];
    @Module({
      imports: [
        DiscoveryModule.forRoot({ register: false, urls: [registry.url] }),
        // Not idempotent: a call that may have run is never repeated, so a lost one would show as a failure.
        DiscoveryModule.forTcpClients([{ service: 'calc', idempotent: false }]),
      ],
      providers: [StrictCalc],
    })
    class CallerModule {}
    const app: INestApplicationContext = await NestFactory.createApplicationContext(CallerModule, { logger: false });
    try {
      await app.init();
      const { client } = app.get(StrictCalc);
      const fresh = await waitFor(async () => (await tcpEndpoints(registry)).find((i) => !known.has(i.id))?.id, { message: 'the fresh calc' });
      await waitFor(async () => (await client.callWithResult('add', { a: 1, b: 1 })).instance.id === fresh, {
        timeoutMs: 10_000,
        message: 'the caller to reach the fresh calc',
      });
      const stream = callStream(async (n) => {
        const answer = await client.call<{ result: number }>('add', { a: n, b: 1 });
        if (answer.result !== n + 1) throw new Error(`call ${n}: ${JSON.stringify(answer)}`);
      }, 8);
      try {
        await waitFor(() => stream.done >= 300, { timeoutMs: 20_000, message: '300 calls before the stop' });
        await stopping.stop('SIGTERM');
        const stoppedAt = stream.done;
        await waitFor(() => stream.done >= stoppedAt + 300, { timeoutMs: 20_000, message: '300 calls after the stop' });
      } finally {
        await stream.stop();
      }
      expect(stream.failures).toEqual([]);
    } finally {
      await app.close();
    }
  }, 90_000);
});
