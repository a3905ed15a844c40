import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { callStream } from '../helpers/call-stream';

interface Instance {
  id: string;
  port: number;
  protocol: string;
  status: string;
  checkOutput?: string;
  check?: { type: string; path?: string; intervalSeconds: number };
  endpoints?: Record<string, { port: number; protocol: string; check?: { type: string } }>;
  endpointHealth?: Record<string, { status: string; checkOutput?: string }>;
}

interface FaultState {
  healthFailing: boolean;
  served: number;
}

/** Fast renewals, and the library's default check (GET /health; grpc.health.v1 for calc's gRPC endpoint) every second. */
const DISCOVERY = { DISCOVERY_HEARTBEAT_MS: '300', DISCOVERY_TTL_SECONDS: '5', DISCOVERY_CHECK_INTERVAL_SECONDS: '1' };
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

/**
 * The system test: registry + two calcs + gateway, real processes. One calc's health endpoint starts
 * failing while its arithmetic still works; the registry's check turns it critical after the threshold, the
 * gateway stops sending it calls, no call through the gateway fails; it heals and gets calls again.
 */
describe('active health checks across the system (real processes)', () => {
  let registry: RunningApp;
  let calcs: RunningApp[];
  let gateway: RunningApp;

  const calcInstances = async (): Promise<Instance[]> =>
    (await http<Instance[]>(`${registry.url}/service/calc?status=all`)).body;
  const served = async (calc: RunningApp): Promise<number> => (await http<FaultState>(`${calc.url}/fault`)).body.served;

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    const env = { REGISTRY_URL: registry.url, ...DISCOVERY };
    calcs = await Promise.all([startApp('calc', { ...env, CALC_FAULTS: '1' }), startApp('calc', { ...env, CALC_FAULTS: '1' })]);
    gateway = await startApp('gateway', env);
    await waitFor(
      async () => {
        const instances = await calcInstances();
        // One instance per calc; its HTTP check and its grpc endpoint's each probed at least once.
        return (
          instances.length === 2 &&
          instances.every(
            (instance) =>
              instance.status === 'passing' &&
              instance.checkOutput !== undefined &&
              instance.endpointHealth?.grpc?.checkOutput !== undefined,
          )
        );
      },
      { ...WAIT, message: 'both calcs registered with checks that passed a probe' },
    );
  }, 90_000);

  afterAll(() => stopAll());

  it('registers calc with the library’s default checks, which pass: GET /health, and grpc.health.v1 on the gRPC port', async () => {
    const instances = await calcInstances();
    expect(instances.map((instance) => [instance.protocol, instance.check?.type, instance.check?.path, instance.checkOutput])).toEqual([
      ['http', 'http', '/health', 'HTTP 200'],
      ['http', 'http', '/health', 'HTTP 200'],
    ]);
    expect(
      instances.map((instance) => [instance.endpoints?.grpc.check?.type, instance.endpointHealth?.grpc.status, instance.endpointHealth?.grpc.checkOutput]),
    ).toEqual([
      ['grpc', 'passing', 'SERVING'],
      ['grpc', 'passing', 'SERVING'],
    ]);
  });

  it('a calc whose health fails goes critical, stops getting calls with none failing, and gets them again once healed', async () => {
    const [sick, well] = calcs;
    const sickId = (await http<{ instanceId: string }>(`${sick.url}/info`)).body.instanceId;
    const status = async (): Promise<Instance | undefined> => (await calcInstances()).find((instance) => instance.id === sickId);

    // A steady stream of calls through the gateway, for the whole test.
    const load = callStream(async (i) => {
      const response = await http<{ result: number }>(`${gateway.url}/calc/add/${i}/2`);
      if (response.status !== 200 || response.body.result !== i + 2) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
    }, 4);
    try {
      // Both serve while both pass.
      const sickBefore = await served(sick);
      await waitFor(async () => (await served(sick)) > sickBefore + 20, { ...WAIT, message: 'the calc to be served' });

      expect((await http(`${sick.url}/fault/health`, { method: 'POST', body: { failing: true } })).status).toBe(200);
      expect((await http(`${sick.url}/health`)).status).toBe(503);
      expect((await http<{ result: number }>(`${sick.url}/add/1/2`)).body).toEqual({ result: 3 });

      const critical = await waitFor(async () => ((await status())?.status === 'critical' ? status() : undefined), {
        ...WAIT,
        message: `${sickId} to turn critical`,
      });
      expect(critical?.checkOutput).toBe('HTTP 503');
      expect((await http<Instance[]>(`${registry.url}/service/calc`)).body.map((instance) => instance.id)).not.toContain(sickId);

      // The gateway hears of it through its watch: from then on the sick calc gets nothing while the other gets everything.
      await waitFor(
        async () => {
          const sickAt = await served(sick);
          const wellAt = await served(well);
          await waitFor(async () => (await served(well)) >= wellAt + 100, { ...WAIT, message: 'calls to the healthy calc' });
          return (await served(sick)) === sickAt;
        },
        { ...WAIT, message: 'the gateway to stop calling the critical calc' },
      );
      const sickFrozen = await served(sick);
      const wellNow = await served(well);
      await waitFor(async () => (await served(well)) >= wellNow + 300, { ...WAIT, message: '300 more calls' });
      expect(await served(sick)).toBe(sickFrozen);

      // Healed: passing again after the threshold, and back in the gateway's rotation.
      await http(`${sick.url}/fault/health`, { method: 'POST', body: { failing: false } });
      await waitFor(async () => (await status())?.status === 'passing', { ...WAIT, message: `${sickId} to pass again` });
      await waitFor(async () => (await served(sick)) > sickFrozen + 20, { ...WAIT, message: 'calls to the healed calc' });
    } finally {
      await load.stop();
    }
    expect(load.done).toBeGreaterThan(500);
    expect(load.failures).toEqual([]);
  }, 90_000);

  it('rejects a bad fault body naming the field', async () => {
    const bad = await http<{ message: string }>(`${calcs[0].url}/fault/health`, { method: 'POST', body: { failing: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/failing must be true or false/);
  });
});
