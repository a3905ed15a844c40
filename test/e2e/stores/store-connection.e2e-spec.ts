import { Etcd3 } from 'etcd3';
import Redis from 'ioredis';
import { parseStoreLocation } from '../../../apps/registry/src/store/store-location';
import { freePort } from '../helpers/free-port';
import { startApp, stopAll } from '../helpers/spawn-app';
import { startStoreServer, StoreServer } from '../helpers/store-servers';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, ErrorJson, http, register, StateJson, TestRegistry } from '../registry/registry.harness';

jest.setTimeout(30_000);

interface HealthJson {
  status: string;
  store: { kind: string; reachable: boolean; error?: string };
  revision?: number;
}

/** Connecting to Redis and etcd: failing fast at start, surviving an outage later, and the cost of a renewal. */
describeStores(
  'registry store connection',
  (store) => {
    let server: StoreServer;
    const registries: TestRegistry[] = [];
    const boot = async (storePrefix: string, sweepIntervalMs = 100): Promise<TestRegistry> => {
      const registry = await bootRegistry({ store: parseStoreLocation(server.url), storePrefix, sweepIntervalMs });
      registries.push(registry);
      return registry;
    };

    // A server of its own: these tests stop it.
    beforeAll(async () => {
      server = await startStoreServer(store.kind as 'redis' | 'etcd');
    });

    afterEach(async () => {
      await Promise.all(registries.splice(0).map((registry) => registry.close()));
    });

    afterAll(async () => {
      await stopAll();
      await server.stop();
    });

    it('fails fast at start, naming the store, when it cannot be reached', async () => {
      const url = `${store.kind}://127.0.0.1:${await freePort()}`;
      const started = Date.now();
      const failure = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_STORE: url }).catch((error: Error) => error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain(`exited with 1 before listening`);
      expect((failure as Error).message).toContain(`REGISTRY_STORE ${url} is unreachable`);
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('reports a lost store in /health (503) and answers 503, keeps running, and recovers when it is back', async () => {
      const storePrefix = uniquePrefix();
      const registry = await boot(storePrefix);
      const other = await boot(storePrefix);
      await register(registry.url, calc({ id: 'calc-1', ttlSeconds: 60 }));
      expect((await http<HealthJson>(`${registry.url}/health`)).body.store).toEqual({ kind: store.kind, reachable: true });

      await server.stop();
      const health = await waitFor(
        async () => {
          const answer = await http<HealthJson>(`${registry.url}/health`);
          return answer.status === 503 ? answer : undefined;
        },
        { message: '/health to report the store lost' },
      );
      expect(health.body).toMatchObject({ status: 'degraded', store: { kind: store.kind, reachable: false } });
      const refused = await register(registry.url, calc({ id: 'calc-2' }));
      expect(refused.status).toBe(503);
      expect(refused.body as unknown as ErrorJson).toMatchObject({ statusCode: 503, code: 'STORE_UNAVAILABLE' });

      await server.start();
      await waitFor(async () => (await http<HealthJson>(`${registry.url}/health`)).status === 200, {
        timeoutMs: 15_000,
        message: '/health to report the store back',
      });
      await waitFor(async () => (await http<HealthJson>(`${other.url}/health`)).status === 200, {
        timeoutMs: 15_000,
        message: 'the other replica to see the store back',
      });
      // Writes work again, and a change made through the other replica still wakes this one's long poll.
      const renewed = await waitFor(async () => {
        const answer = await register(registry.url, calc({ id: 'calc-1', ttlSeconds: 60 }));
        return answer.status < 300 ? answer : undefined;
      }, { timeoutMs: 10_000, message: 'a registration to succeed again' });
      await waitFor(async () => (await http<StateJson>(`${other.url}/services`)).body.revision === renewed.body.revision, {
        message: 'the other replica to catch up',
      });
      const watching = http<StateJson>(`${registry.url}/watch?revision=${renewed.body.revision}&timeoutSeconds=20`);
      await waitFor(async () => (await http<{ watchers: number }>(`${registry.url}/health`)).body.watchers === 1, {
        message: 'the watcher to be parked',
      });
      await register(other.url, calc({ id: 'calc-3' }));
      const { body } = await watching;
      expect(body.services.calc.map((instance) => instance.id)).toContain('calc-3');
    });

    it('renews in one store round trip, writing none of its keys', async () => {
      const storePrefix = uniquePrefix();
      // No sweeps during the measurement.
      const registry = await boot(storePrefix, 3_600_000);
      const first = await register(registry.url, calc({ id: 'calc-1', ttlSeconds: 60 }));
      const renew = () => register(registry.url, calc({ id: 'calc-1', ttlSeconds: 60 }), { knownRevision: first.body.revision });
      if (store.kind === 'redis') {
        // MONITOR shows every command, those a script runs marked as coming from "lua".
        const client = new Redis(server.url);
        const monitor = await client.monitor();
        try {
          const commands: string[] = [];
          monitor.on('monitor', (_time: string, args: string[], source: string) => {
            if (source !== 'lua') commands.push(String(args[0]).toLowerCase());
          });
          expect((await renew()).status).toBe(200);
          await waitFor(() => commands.length > 0, { message: 'the renewal to show in MONITOR' });
          expect(commands).toEqual(['evalsha']);
        } finally {
          monitor.disconnect();
          client.disconnect();
        }
      } else {
        const etcd = new Etcd3({ hosts: `http://127.0.0.1:${server.port}` });
        try {
          // The registry's own instance and control keys, each with the revision it was last written at. Not
          // etcd's global revision: every suite shares this server, and this registry's check-leadership lease
          // is renewed every few seconds — writes that have nothing to do with a renewal.
          const written = async (): Promise<string[]> => {
            const kvs = await Promise.all(
              [`${storePrefix}/instances/`, `${storePrefix}/control/`].map((prefix) => etcd.getAll().prefix(prefix).exec()),
            );
            return kvs.flatMap((answer) => answer.kvs.map((kv) => `${kv.key.toString()}@${kv.mod_revision}`)).sort();
          };
          const before = await written();
          expect(before).toEqual([expect.stringMatching(new RegExp(`^${storePrefix}/instances/calc/calc-1@\\d+$`))]);
          for (let i = 0; i < 3; i++) expect((await renew()).status).toBe(200);
          expect(await written()).toEqual(before);
        } finally {
          etcd.close();
        }
      }
      expect((await http<StateJson>(`${registry.url}/services`)).body.revision).toBe(first.body.revision);
    });
  },
  ['redis', 'etcd'],
);
