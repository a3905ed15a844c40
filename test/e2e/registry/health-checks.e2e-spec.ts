import { createServer as createHttpServer, IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer } from 'node:net';
import { freePort } from '../helpers/free-port';
import { grpcPortOf, RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, http, InstanceJson, register, StateJson, TestRegistry } from './registry.harness';

/** Fast checks: a probe a second, critical after two failures, back after two successes. */
const FAST = { intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeCritical: 2, successesBeforePassing: 2 };
const WAIT = { timeoutMs: 15_000, intervalMs: 50 };

interface HealthJson {
  checks: { leader: boolean; instances: number; running: number; critical: number; probes: number };
}

/** The instance as `?status=all` lists it (critical ones included), or undefined when it is gone. */
async function listed(url: string, name: string, id: string): Promise<InstanceJson | undefined> {
  return (await http<InstanceJson[]>(`${url}/service/${name}?status=all`)).body.find((instance) => instance.id === id);
}

/** Waits until the instance is listed with `status` (and, when given, an output matching `output`). */
function until(url: string, name: string, id: string, status: string, output?: RegExp, timeoutMs = WAIT.timeoutMs): Promise<InstanceJson> {
  return waitFor(
    async () => {
      const instance = await listed(url, name, id);
      return instance?.status === status && (output === undefined || output.test(instance.checkOutput ?? '')) ? instance : undefined;
    },
    { ...WAIT, timeoutMs, message: `${name}/${id} to be ${status}${output ? ` with output ${output}` : ''}` },
  );
}

const routableIds = async (url: string, name: string): Promise<string[]> =>
  (await http<InstanceJson[]>(`${url}/service/${name}`)).body.map((instance) => instance.id).sort();

describeStores('registry active health checks', (store) => {
  let registry: TestRegistry;
  let url: string;
  let listener: TcpServer | undefined;

  beforeEach(async () => {
    registry = await bootRegistry({ store: store.location });
    url = registry.url;
  });

  afterEach(async () => {
    await registry.close();
    await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)));
    listener = undefined;
  });

  it('a TCP check against a closed port: critical after the threshold (revision, watch, lookups), back once it listens', async () => {
    const port = await freePort();
    await register(url, { name: 'tcpsvc', id: 'tcp-down', host: '127.0.0.1', port, ttlSeconds: 300, check: { type: 'tcp', ...FAST } });
    await register(url, { name: 'tcpsvc', id: 'tcp-other', host: '127.0.0.1', port: 9, ttlSeconds: 300 });
    const before = (await http<StateJson>(`${url}/services`)).body.revision;
    const watch = http<StateJson>(`${url}/watch?revision=${before}&timeoutSeconds=30`);

    // A new instance starts passing: it registered once it listened.
    expect((await listed(url, 'tcpsvc', 'tcp-down'))?.status).toBe('passing');

    const woke = await watch;
    expect(woke.status).toBe(200);
    expect(woke.body.revision).toBeGreaterThan(before);
    expect(woke.body.services.tcpsvc.map((instance) => instance.id)).toEqual(['tcp-other']);

    const critical = await until(url, 'tcpsvc', 'tcp-down', 'critical');
    expect(critical.checkOutput).toMatch(/ECONNREFUSED/);
    expect(critical.statusSince).toEqual(expect.any(String));
    expect(await routableIds(url, 'tcpsvc')).toEqual(['tcp-other']);
    expect((await http<StateJson>(`${url}/services`)).body.services.tcpsvc.map((instance) => instance.id)).toEqual(['tcp-other']);
    const health = await http<HealthJson>(`${url}/health`);
    expect(health.body.checks).toMatchObject({ leader: true, instances: 1, critical: 1 });

    // It listens now: back after successesBeforePassing probes, with a revision and a woken watch.
    const criticalRevision = (await http<StateJson>(`${url}/services`)).body.revision;
    const back = http<StateJson>(`${url}/watch?revision=${criticalRevision}&timeoutSeconds=30`);
    listener = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener!.listen(port, '127.0.0.1', resolve));
    const recovered = await back;
    expect(recovered.body.services.tcpsvc.map((instance) => instance.id).sort()).toEqual(['tcp-down', 'tcp-other']);
    expect(await listed(url, 'tcpsvc', 'tcp-down')).toMatchObject({ status: 'passing', checkOutput: 'TCP connect ok' });
  }, 30_000);
});

describeStores(
  'registry active health checks on two replicas',
  (store) => {
    let replicas: TestRegistry[];
    let listener: TcpServer | undefined;

    beforeEach(async () => {
      const storePrefix = uniquePrefix();
      replicas = await Promise.all([
        bootRegistry({ store: store.location, storePrefix }),
        bootRegistry({ store: store.location, storePrefix }),
      ]);
    });

    afterEach(async () => {
      await Promise.all(replicas.map((replica) => replica.close()));
      await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)));
      listener = undefined;
    });

    const leaders = async (): Promise<boolean[]> =>
      Promise.all(replicas.map(async (replica) => (await http<HealthJson>(`${replica.url}/health`)).body.checks.leader));

    it('exactly one replica runs the checks; when it stops, the other takes over', async () => {
      const port = await freePort();
      await register(replicas[0].url, { name: 'tcpsvc', id: 'tcp-1', host: '127.0.0.1', port, ttlSeconds: 300, check: { type: 'tcp', ...FAST } });
      const roles = await waitFor(async () => {
        const now = await leaders();
        return now.filter(Boolean).length === 1 ? now : undefined;
      }, { ...WAIT, message: 'one leader' });
      await until(replicas[1].url, 'tcpsvc', 'tcp-1', 'critical');
      expect(await leaders()).toEqual(roles);

      // The leader goes away; within the lease's TTL the other replica leads, and its probes see the port open.
      const leader = roles.indexOf(true);
      await replicas[leader].close();
      const survivor = replicas[1 - leader];
      replicas = [survivor];
      listener = createTcpServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => listener!.listen(port, '127.0.0.1', resolve));
      await until(survivor.url, 'tcpsvc', 'tcp-1', 'passing', /^TCP connect ok$/, 25_000);
      expect(await leaders()).toEqual([true]);
    }, 45_000);
  },
  ['redis', 'etcd'],
);

describeStores(
  'registry active health checks, timing',
  (store) => {
    let registry: TestRegistry;
    let url: string;
    let server: HttpServer | undefined;

    beforeEach(async () => {
      registry = await bootRegistry({ store: store.location });
      url = registry.url;
    });

    afterEach(async () => {
      await registry.close();
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      server = undefined;
    });

    /** A /health endpoint answering `answer.status` (or never, while `hang`), recording each request. */
    async function healthEndpoint(answer: { status: number; hang?: boolean }): Promise<{ port: number; requests: { url?: string; headers: IncomingHttpHeaders }[] }> {
      const requests: { url?: string; headers: IncomingHttpHeaders }[] = [];
      server = createHttpServer((req, res) => {
        requests.push({ url: req.url, headers: req.headers });
        if (answer.hang) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return { port: (server!.address() as AddressInfo).port, requests };
    }

    it('an http check: 503 turns the instance critical, 200 brings it back', async () => {
      const answer = { status: 200 };
      const endpoint = await healthEndpoint(answer);
      const check = { type: 'http', path: '/health?deep=1', ...FAST };
      await register(url, { name: 'web', id: 'web-1', host: '127.0.0.1', port: endpoint.port, ttlSeconds: 300, check });
      await until(url, 'web', 'web-1', 'passing', /^HTTP 200$/);
      expect(endpoint.requests[0]).toMatchObject({ url: '/health?deep=1', headers: { host: `127.0.0.1:${endpoint.port}` } });

      answer.status = 503;
      const critical = await until(url, 'web', 'web-1', 'critical', /^HTTP 503$/);
      expect(await routableIds(url, 'web')).toEqual([]);

      answer.status = 200;
      const passing = await until(url, 'web', 'web-1', 'passing', /^HTTP 200$/);
      expect(Date.parse(passing.statusSince!)).toBeGreaterThan(Date.parse(critical.statusSince!));
      expect(await routableIds(url, 'web')).toEqual(['web-1']);
      // 3xx passes as well, and is not followed.
      answer.status = 302;
      await until(url, 'web', 'web-1', 'passing', /^HTTP 302$/);
    }, 30_000);

    it('a probe that gets no answer within timeoutSeconds fails', async () => {
      const endpoint = await healthEndpoint({ status: 200, hang: true });
      const check = { type: 'http', ...FAST, failuresBeforeCritical: 1 };
      await register(url, { name: 'slow', id: 'slow-1', host: '127.0.0.1', port: endpoint.port, ttlSeconds: 300, check });
      await until(url, 'slow', 'slow-1', 'critical', /^timed out after 1s$/);
    }, 30_000);

    it('deregisters an instance critical for deregisterCriticalAfterSeconds', async () => {
      const port = await freePort();
      const check = { type: 'tcp', ...FAST, failuresBeforeCritical: 1, deregisterCriticalAfterSeconds: 2 };
      await register(url, { name: 'gone', id: 'gone-1', host: '127.0.0.1', port, ttlSeconds: 300, check });
      const critical = await until(url, 'gone', 'gone-1', 'critical');
      await waitFor(async () => (await listed(url, 'gone', 'gone-1')) === undefined, { ...WAIT, message: 'gone-1 deregistered' });
      // Not before its time: the registry's answer came at least deregisterCriticalAfterSeconds after statusSince.
      expect(Date.now() - Date.parse(critical.statusSince!)).toBeGreaterThanOrEqual(2000);
    }, 30_000);

    describe('gRPC checks against a real calc', () => {
      let calc: RunningApp;
      let grpcPort: number;

      beforeAll(async () => {
        // The calc registers with a registry that is gone by then: only its gRPC server matters here.
        calc = await startApp('calc', { REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
        grpcPort = grpcPortOf(calc);
      }, 30_000);

      afterAll(() => stopAll());

      it('passes on calc’s grpc.health.v1 (the server, and calc.Calculator), fails an unknown service and a port with no gRPC server', async () => {
        const grpcCheck = (service?: string) => ({ type: 'grpc', ...FAST, failuresBeforeCritical: 1, ...(service === undefined ? {} : { service }) });
        const closed = await freePort();
        const entries: [string, number, Record<string, unknown>][] = [
          ['server', grpcPort, grpcCheck()],
          ['calculator', grpcPort, grpcCheck('calc.Calculator')],
          ['unknown', grpcPort, grpcCheck('orders.Orders')],
          ['http-port', calc.port, grpcCheck()],
          ['closed', closed, grpcCheck()],
        ];
        for (const [id, port, check] of entries) {
          const answer = await register(url, { name: 'calc-grpc', id, host: '127.0.0.1', port, protocol: 'grpc', ttlSeconds: 300, check });
          expect(answer.status).toBe(201);
        }
        await until(url, 'calc-grpc', 'server', 'passing', /^SERVING$/);
        await until(url, 'calc-grpc', 'calculator', 'passing', /^SERVING$/);
        await until(url, 'calc-grpc', 'unknown', 'critical', /^gRPC NOT_FOUND: unknown service "orders.Orders"$/);
        await until(url, 'calc-grpc', 'http-port', 'critical', /^gRPC /);
        await until(url, 'calc-grpc', 'closed', 'critical', /^gRPC UNAVAILABLE: .*ECONNREFUSED/);
        expect(await routableIds(url, 'calc-grpc')).toEqual(['calculator', 'server']);
      }, 30_000);

      it('has no fault routes unless CALC_FAULTS=1', async () => {
        expect((await http(`${calc.url}/fault`)).status).toBe(404);
        expect((await http(`${calc.url}/fault/health`, { method: 'POST', body: { failing: true } })).status).toBe(404);
      });
    });
  },
  ['memory'],
);
