import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

jest.setTimeout(60_000);

interface Instance {
  id: string;
  protocol: string;
  lastHeartbeat: string;
}

const FAST_DISCOVERY = { DISCOVERY_HEARTBEAT_MS: '300', DISCOVERY_TTL_SECONDS: '2' };

/**
 * Two registry replicas (real processes) over one store, calc and the gateway configured with both URLs:
 * SIGKILL one replica under traffic, and nothing is lost.
 */
describeStores(
  'registry replica failover',
  (store) => {
    let a: RunningApp;
    let b: RunningApp;
    let gateway: RunningApp;
    let discoveryEnv: Record<string, string>;

    // Only the HTTP endpoints: a calc may also register others (gRPC) under the same name.
    const watchersOn = async (registry: RunningApp): Promise<number> =>
      (await http<{ watchers: number }>(`${registry.url}/health`)).body.watchers;
    const calcsOn = async (registry: RunningApp): Promise<Instance[]> =>
      (await http<Instance[]>(`${registry.url}/service/calc`)).body.filter((instance) => instance.protocol === 'http');

    beforeAll(async () => {
      const registryEnv = {
        REGISTRY_STORE: store.env,
        REGISTRY_STORE_PREFIX: uniquePrefix(),
        REGISTRY_SWEEP_INTERVAL_MS: '100',
        REGISTRY_DATA_DIR: tmpDir(),
      };
      [a, b] = await Promise.all([startApp('registry', registryEnv), startApp('registry', registryEnv)]);
      discoveryEnv = { REGISTRY_URL: `${a.url},${b.url}`, ...FAST_DISCOVERY };
      await Promise.all([startApp('calc', discoveryEnv), startApp('calc', discoveryEnv)]);
      gateway = await startApp('gateway', discoveryEnv);
      await waitFor(async () => (await calcsOn(b)).length === 2, { message: 'two calc instances, seen through B' });
      await waitFor(async () => (await http(`${gateway.url}/calc/add/1/2`)).status === 200, { message: 'the gateway to answer' });
    }, 60_000);

    afterAll(() => stopAll());

    it('loses no call when a replica is killed, and heartbeats and the watch move to the survivor', async () => {
      let calls = 0;
      const failures: string[] = [];
      let running = true;
      // Four callers, back to back, for the whole test.
      const traffic = Promise.all(
        Array.from({ length: 4 }, async () => {
          while (running) {
            const answer = await http<{ result: number }>(`${gateway.url}/calc/add/2/3`).catch((error: Error) => ({
              status: 0,
              body: { result: NaN, error: error.message },
            }));
            calls++;
            if (answer.status !== 200 || answer.body.result !== 5) failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
          }
        }),
      );
      try {
        await waitFor(() => calls >= 50, { message: 'traffic to flow' });
        // A client long-polls the first URL while it answers, and only for the services it calls: the gateway
        // holds its watch on A; the calcs call no one and watch nothing.
        await waitFor(async () => (await watchersOn(a)) === 1, { message: "the gateway's watch on A" });
        expect(await watchersOn(b)).toBe(0);
        const killedAt = Date.now();
        await a.kill();
        await waitFor(async () => (await watchersOn(b)) === 1, { timeoutMs: 3000, message: "the gateway's watch to move to B" });
        const watchesMovedAt = Date.now();

        // Heartbeats: every calc renews through B now — each lastHeartbeat moves past the kill, and nothing
        // expires across several TTLs (2 s) without replica A.
        await waitFor(
          async () => {
            const instances = await calcsOn(b);
            return instances.length === 2 && instances.every((instance) => Date.parse(instance.lastHeartbeat) > killedAt);
          },
          { timeoutMs: 3000, message: 'both calcs to renew through replica B' },
        );
        const renewedAt = Date.now();
        await waitFor(() => Date.now() - killedAt > 4500, { timeoutMs: 6000, intervalMs: 100, message: 'two TTLs' });
        expect((await calcsOn(b)).length).toBe(2);

        // Watch: a calc that starts now reaches the gateway through B's long poll.
        const third = await startApp('calc', discoveryEnv);
        const thirdId = await waitFor(async () => (await http<{ instanceId?: string }>(`${third.url}/info`)).body.instanceId, {
          message: 'the third calc to register',
        });
        await waitFor(async () => (await calcsOn(b)).some((instance) => instance.id === thirdId), { message: 'B to list it' });
        const registeredAt = Date.now();
        await waitFor(
          async () => {
            for (let i = 0; i < 6; i++) {
              if ((await http<{ instanceId: string }>(`${gateway.url}/api/calc/info`)).body.instanceId === thirdId) return true;
            }
            return false;
          },
          { timeoutMs: 3000, message: 'the gateway to route to the new calc' },
        );
        process.stdout.write(
          `[failover ${store.kind}] watches on B ${watchesMovedAt - killedAt} ms and renewals ${renewedAt - killedAt} ms after the kill; ` +
            `a new calc reached the gateway ${Date.now() - registeredAt} ms after registering; ${calls} calls so far\n`,
        );
      } finally {
        running = false;
        await traffic;
      }
      expect(failures).toEqual([]);
      expect(calls).toBeGreaterThan(100);
    });
  },
  ['redis', 'etcd'],
);
