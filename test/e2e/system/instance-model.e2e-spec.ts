import { callStream } from '../helpers/call-stream';
import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

interface Instance {
  id: string;
  host: string;
  port: number;
  protocol: string;
  status: string;
  endpoints?: Record<string, { port: number; protocol: string }>;
  endpointHealth?: Record<string, { status: string }>;
}

jest.setTimeout(60_000);

/**
 * An instance is a process: two calcs started with the same environment (PORT=0, no GRPC_PORT) both come
 * up, each is one entry with its gRPC listener as a named endpoint, and a crash is seen through the
 * instance's session in well under a second — not after the 30 s TTL — while a registry restart marks
 * nobody critical. Real processes, default TTL.
 */
describe('an instance is a process (real processes, default TTL)', () => {
  let registry: RunningApp;
  let dataDir: string;
  let calcs: RunningApp[];
  let gateway: RunningApp;

  const listed = async (status = ''): Promise<Instance[]> =>
    (await http<Instance[]>(`${registry.url}/service/calc${status}`)).body;

  beforeAll(async () => {
    dataDir = tmpDir();
    registry = await startApp('registry', { REGISTRY_DATA_DIR: dataDir, REGISTRY_SNAPSHOT_DELAY_MS: '0' });
    // The very same environment for both: free ports for every listener, gRPC's included.
    const env = { REGISTRY_URL: registry.url, PORT: '0', GRPC_PORT: '', LOG_LEVEL: 'debug' };
    calcs = await Promise.all([startApp('calc', env), startApp('calc', env)]);
    gateway = await startApp('gateway', { REGISTRY_URL: registry.url });
    await waitFor(async () => (await listed()).length === 2, { message: 'two calc instances registered' });
  }, 60_000);

  afterAll(() => stopAll());

  it('lists each calc once, at its HTTP address, with its gRPC listener as the grpc endpoint', async () => {
    const instances = await listed();
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance.protocol).toBe('http');
      expect(instance.endpoints?.grpc).toMatchObject({ protocol: 'grpc', port: expect.any(Number) });
      expect(instance.endpoints?.grpc.port).not.toBe(instance.port);
      const answer = await http(`http://${instance.host}:${instance.port}/add/1/2`);
      expect(answer).toMatchObject({ status: 200, body: { result: 3 } });
    }
    expect(new Set(instances.map((instance) => instance.endpoints?.grpc.port)).size).toBe(2);
    expect(new Set(calcs.map((calc) => calc.port))).toEqual(new Set(instances.map((instance) => instance.port)));
  });

  it("reaches both calcs through the gateway's HTTP and gRPC routes", async () => {
    // Each calc logs its calls at debug: count the HTTP and gRPC Add calls each one served.
    const served = (calc: RunningApp, marker: string): number => calc.output().split(marker).length - 1;
    const before = calcs.map((calc) => [served(calc, '/add/2/3'), served(calc, 'calc.Calculator/Add')]);
    for (let i = 0; i < 20; i++) {
      expect(await http(`${gateway.url}/calc/add/2/3`)).toMatchObject({ status: 200, body: { result: 5 } });
      expect(await http(`${gateway.url}/grpc/calc/add/2/3`)).toMatchObject({ status: 200, body: { result: 5 } });
    }
    await waitFor(
      () =>
        calcs.every(
          (calc, i) => served(calc, '/add/2/3') > before[i][0] && served(calc, 'calc.Calculator/Add') > before[i][1],
        ),
      { message: 'each calc to log HTTP and gRPC calls' },
    );
  });

  it('a registry SIGTERM and restart leaves every live instance listed; none flaps to critical', async () => {
    const port = registry.port;
    await registry.stop();
    registry = await startApp('registry', { REGISTRY_DATA_DIR: dataDir, REGISTRY_PORT: String(port), REGISTRY_SNAPSHOT_DELAY_MS: '0' });
    // For a while after the restart (sessions reconnecting, renewals resuming), every look sees both, passing.
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      const all = await listed('?status=all');
      expect(all.map((instance) => instance.status)).toEqual(['passing', 'passing']);
      expect(all.every((instance) => instance.endpointHealth?.grpc?.status !== 'critical')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(registry.output()).not.toMatch(/critical/);
    // Every session is back (both calcs' and the gateway's, which registers too): a crash is seen at once again.
    await waitFor(async () => /registry_sessions_open 3\b/.test((await http<string>(`${registry.url}/metrics`)).body), {
      message: 'the three sessions to reconnect',
    });
  });

  it('a SIGKILLed calc is gone from GET /service/calc within 1 s, and a 16-way stream through the gateway loses no call', async () => {
    const stream = callStream(async (n) => {
      const path = n % 2 === 0 ? 'calc' : 'grpc/calc';
      const answer = await http<{ result: number }>(`${gateway.url}/${path}/add/${n}/1`);
      if (answer.status !== 200 || answer.body.result !== n + 1) throw new Error(`${path} #${n}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }, 16);
    try {
      await waitFor(() => stream.done > 200, { message: 'the stream to run' });
      const [victim, survivor] = calcs;
      const killedAt = Date.now();
      await victim.kill();
      await waitFor(async () => (await listed()).length === 1, { timeoutMs: 3000, intervalMs: 10, message: 'the killed calc to leave the listing' });
      const goneAfterMs = Date.now() - killedAt;
      expect(goneAfterMs).toBeLessThan(1000);
      expect((await listed())[0].port).toBe(survivor.port);
      // No longer picked: what follows all lands on the survivor, and nothing failed on the way.
      const done = stream.done;
      await waitFor(() => stream.done > done + 300, { message: 'the stream to go on' });
    } finally {
      await stream.stop();
    }
    expect(stream.failures).toEqual([]);
  });
});
