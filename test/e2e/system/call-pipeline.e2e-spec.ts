import {
  DiscoveryError,
  DiscoveryModule,
  HttpCallContext,
  HttpClientInterceptor,
  HttpNext,
  PathParam,
  RemoteGet,
  RemoteService,
  unimplemented,
} from '@nest-discovery/discovery';
import { INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { callStream } from '../helpers/call-stream';
import { http } from '../helpers/http';
import { parsePrometheus, select } from '../helpers/prometheus-text';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

jest.setTimeout(60_000);

interface Leaf {
  server: Server;
  port: number;
  /** Headers of every request it received. */
  seen: IncomingHttpHeaders[];
}

/** A service at the end of a chain: answers `{ leaf: true }` and remembers who asked. */
async function startLeaf(): Promise<Leaf> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ leaf: true, headers: req.headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

async function registerLeaf(registryUrl: string, name: string, leaf: Leaf): Promise<void> {
  const response = await http(`${registryUrl}/register`, { method: 'POST', body: { name, host: '127.0.0.1', port: leaf.port, ttlSeconds: 600 } });
  expect(response.status).toBe(201);
}

const metricsOf = async (app: RunningApp) => parsePrometheus((await http<string>(`${app.url}/metrics`)).body);
const total = (samples: ReturnType<typeof parsePrometheus>, name: string, labels: Record<string, string>) =>
  select(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);

describe('calls that know their budget (real processes)', () => {
  let registry: RunningApp;
  let calcs: RunningApp[];
  let gateway: RunningApp;
  let leaf: Leaf;

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    const env = { REGISTRY_URL: registry.url, CALC_FAULTS: '1' };
    calcs = await Promise.all([startApp('calc', env), startApp('calc', env), startApp('calc', env)]);
    leaf = await startLeaf();
    await registerLeaf(registry.url, 'leaf', leaf);
    gateway = await startApp('gateway', {
      REGISTRY_URL: registry.url,
      GATEWAY_ROUTES: '/api/calc=calc;budgetMs=300',
      // A tight retry budget, so the brownout below meets it: 5 % of calls, plus 0.5 a second over 10 s.
      DISCOVERY_RETRY_BUDGET_RATIO: '0.05',
      DISCOVERY_RETRY_BUDGET_MIN_PER_SECOND: '0.5',
    });
    await waitFor(async () => (await http<unknown[]>(`${registry.url}/service/calc`)).body.length === 3, { message: 'three calcs' });
    await waitFor(async () => (await http(`${gateway.url}/api/calc/fault/relay/leaf?path=/warm`)).status === 200, {
      message: 'the chain to answer',
    });
  }, 60_000);

  afterAll(async () => {
    await stopAll();
    leaf?.server.close();
  });

  it('gateway → calc → leaf: each hop sends what remains; a hop whose budget is spent fails unsent, 504 at the gateway', async () => {
    const before = leaf.seen.length;
    const quick = await http<{ leaf: boolean; headers: Record<string, string> }>(`${gateway.url}/api/calc/fault/relay/leaf?path=/quick`);
    expect(quick.status).toBe(200);
    // The route's 300 ms, less what the gateway and calc already spent.
    const budget = Number(quick.body.headers['x-timeout-ms']);
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThanOrEqual(300);
    expect(leaf.seen.length).toBe(before + 1);

    // calc waits 500 ms before its call: the 300 ms are gone by then.
    const slow = await http<{ code?: string }>(`${gateway.url}/api/calc/fault/relay/leaf?path=/slow&delayMs=500`);
    expect(slow.status).toBe(504);
    // calc's call fails without being sent: the leaf never sees it, and calc counts it as a timeout with no instance.
    const calcsFailedFast = async (): Promise<number> => {
      let failedFast = 0;
      for (const calc of calcs) failedFast += total(await metricsOf(calc), 'discovery_client_requests_total', { service: 'leaf', instance: '', outcome: 'timeout' });
      return failedFast;
    };
    await waitFor(async () => (await calcsFailedFast()) === 1, { message: "calc's call to fail on its deadline" });
    expect(leaf.seen.length).toBe(before + 1);
  });

  it('a brownout (one of three calcs failing half its calls): retries stay within the budget, the rest is refused', async () => {
    const brown = calcs[0];
    expect((await http(`${brown.url}/fault/brownout`, { method: 'POST', body: { failRatio: 0.5 } })).status).toBe(200);
    const start = await metricsOf(gateway);
    const retriesBefore = total(start, 'discovery_client_retries_total', { service: 'calc', protocol: 'http' });
    const refusedBefore = total(start, 'discovery_client_retries_refused_total', { service: 'calc', protocol: 'http' });
    const calls = 600;
    const failed: number[] = [];
    const stream = callStream(async (n) => {
      const answer = await http(`${gateway.url}/calc/add/${n}/1`);
      if (answer.status !== 200) failed.push(answer.status);
    }, 8, calls);
    await stream.finished;
    await http(`${brown.url}/fault/brownout`, { method: 'POST', body: { failRatio: 0 } });
    const end = await metricsOf(gateway);
    const retries = total(end, 'discovery_client_retries_total', { service: 'calc', protocol: 'http' }) - retriesBefore;
    const refused = total(end, 'discovery_client_retries_refused_total', { service: 'calc', protocol: 'http' }) - refusedBefore;
    const brownFailed = ((await http<{ failed: number }>(`${brown.url}/fault`)).body as { failed: number }).failed;
    // A third of the calls reach the browned-out calc first, and half of those fail: about 100 want a retry.
    expect(brownFailed).toBeGreaterThan(50);
    // The budget: 5 % of the calls, plus 0.5 a second over the 10 s window (the run takes a few seconds).
    expect(retries).toBeLessThanOrEqual(0.05 * calls + 5 + 1);
    expect(refused).toBeGreaterThan(0);
    // What the budget refused is what failed; everything it allowed was answered by a healthy calc.
    expect(failed.length).toBe(refused);
  });

  describe('a caller app with a declarative fallback and an HTTP interceptor', () => {
    let caller: INestApplicationContext;

    class Tagger implements HttpClientInterceptor {
      async intercept(ctx: HttpCallContext, next: HttpNext) {
        ctx.headers['x-caller'] = 'pipeline-e2e';
        return next();
      }
    }

    @RemoteService('calc', { fallback: (error: DiscoveryError, a: number, b: number) => ({ result: a + b, degraded: error.code }) })
    class CalcClient {
      @RemoteGet('/add/:a/:b')
      add(@PathParam('a') a: number, @PathParam('b') b: number): Promise<{ result: number; degraded?: string }> {
        return unimplemented();
      }
    }

    @RemoteService('leaf')
    class LeafClient {
      @RemoteGet('/tagged')
      get(): Promise<{ headers: Record<string, string> }> {
        return unimplemented();
      }
    }

    beforeAll(async () => {
      @Module({
        imports: [
          DiscoveryModule.forRoot({
            name: 'caller',
            register: false,
            urls: [registry.url],
            http: { interceptors: [new Tagger()] },
            timeoutMs: 1000,
            metrics: false,
          }),
          DiscoveryModule.forFeature([CalcClient, LeafClient]),
        ],
      })
      class CallerModule {}
      caller = await NestFactory.createApplicationContext(CallerModule, { logger: false });
      Logger.overrideLogger(false);
    });

    afterAll(() => caller?.close());

    it('sends the interceptor\'s header on every call', async () => {
      const answer = await caller.get(LeafClient).get();
      expect(answer.headers['x-caller']).toBe('pipeline-e2e');
    });

    it('answers with the fallback when every calc is gone', async () => {
      const calc = caller.get(CalcClient);
      await expect(calc.add(2, 3)).resolves.toEqual({ result: 5 });
      await Promise.all(calcs.map((app) => app.kill()));
      // Crash detection usually takes milliseconds; the bound is the TTL's, so a loaded machine cannot fail this
      // test on what it does not test (the fallback is, not how fast a crash is seen: see instance-model).
      const gone = { timeoutMs: 40_000, intervalMs: 100 };
      await waitFor(async () => (await http<unknown[]>(`${registry.url}/service/calc`)).body.length === 0, { ...gone, message: 'no calc left' });
      const degraded = await waitFor(async () => {
        const answer = await calc.add(2, 3);
        return answer.degraded !== undefined ? answer : undefined;
      }, { ...gone, message: 'the fallback to answer' });
      // With no calc registered: no instance (had the cache still held one, a refused connection: also a fallback).
      expect(degraded.result).toBe(5);
      expect(['NO_AVAILABLE_INSTANCE', 'REMOTE_UNAVAILABLE']).toContain(degraded.degraded);
    }, 120_000);
  });
});
