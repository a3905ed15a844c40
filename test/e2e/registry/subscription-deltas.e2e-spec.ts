import { randomInt } from 'node:crypto';
import type { RegistryInstance, ServiceWatchAnswer } from '@nest-discovery/registry-api';
import { resolveDiscoveryOptions } from '../../../libs/discovery/src/config/resolve-options';
import { RegistryHttpClient } from '../../../libs/discovery/src/registration/registry-http.client';
import { InstanceCache } from '../../../libs/discovery/src/resolution/instance-cache';
import { RegistryWatcher } from '../../../libs/discovery/src/resolution/registry-watcher';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { http } from './registry.harness';

const WATCHED = ['pay', 'ship', 'stock'];
const SERVICES = [...WATCHED, 'other'];
const CHANGES = 1000;

interface Registration {
  id: string;
  name: string;
  host: string;
  port: number;
  metadata: Record<string, string>;
  ttlSeconds: number;
}

/** What a routable instance says, but the heartbeat (renewals move it without a revision). */
const comparable = (instance: RegistryInstance): string => JSON.stringify({ ...instance, lastHeartbeat: undefined });

describeStores('a client following subscription deltas', (store) => {
  const remote = store.kind !== 'memory';
  const dataDir = tmpDir('subscription-deltas-');
  const prefix = uniquePrefix();
  /** Replica `b` is the one the client follows (and restarts); `a` takes half the writes on a shared store. */
  const env = (port?: number): Record<string, string> => ({
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_DATA_DIR: dataDir,
    REGISTRY_STORE: store.env,
    REGISTRY_STORE_PREFIX: prefix,
    REGISTRY_SWEEP_INTERVAL_MS: '100',
    REGISTRY_SNAPSHOT_DELAY_MS: '50',
    REGISTRY_PORT: String(port ?? 0),
  });

  afterAll(() => stopAll());

  it(`ends with exactly the registry state of its services through 1,000 random changes and a restart${remote ? ', made through two replicas' : ''}`, async () => {
    let followed = await startApp('registry', env());
    const other = remote ? await startApp('registry', env()) : undefined;
    const port = followed.port;
    const url = followed.url;
    const config = resolveDiscoveryOptions({ register: false, urls: [url], ttlSeconds: 3600 }, {});
    const client = new RegistryHttpClient(config);
    const answers = { full: 0, delta: 0, largest: 0 };
    const watchServices = client.watchServices.bind(client);
    client.watchServices = async (...args) => {
      const answer: ServiceWatchAnswer | undefined = await watchServices(...args);
      if (answer !== undefined) {
        answers[answer.full ? 'full' : 'delta']++;
        answers.largest = Math.max(answers.largest, JSON.stringify(answer).length);
        if (!answer.full) for (const name of Object.keys(answer.changes)) expect(WATCHED).toContain(name);
      }
      return answer;
    };
    const cache = new InstanceCache(config, client);
    for (const name of WATCHED) cache.subscribe(name);
    const watcher = new RegistryWatcher(config, client, cache);
    await watcher.onApplicationBootstrap();

    const registered = new Map<string, Registration>();
    const shortLived = new Set<string>();
    const write = async (method: string, path: string, body?: unknown): Promise<void> => {
      // On a shared store, every other write goes through the replica the client does not follow.
      const target = other !== undefined && randomInt(2) === 0 ? other.url : url;
      const { status, text } = await http(`${target}${path}`, { method, body });
      if (status >= 400 && status !== 404) throw new Error(`${method} ${path}: ${status} ${text}`);
    };
    const pick = (): Registration | undefined => [...registered.values()][randomInt(Math.max(registered.size, 1))];
    const truth = async (): Promise<Map<string, string[]>> => {
      const state = new Map<string, string[]>();
      for (const name of WATCHED) {
        const { body } = await http<RegistryInstance[]>(`${url}/service/${name}`);
        state.set(name, body.map(comparable).sort());
      }
      return state;
    };
    const held = (): Map<string, string[]> => new Map(WATCHED.map((name) => [name, (cache.cached(name) ?? []).map(comparable).sort()]));
    const caughtUp = (message: string): Promise<boolean> =>
      waitFor(async () => JSON.stringify([...(await truth())]) === JSON.stringify([...held()]), { timeoutMs: 5000, message });

    for (let step = 0; step < CHANGES; step++) {
      if (step === CHANGES / 2) {
        // A restart in the middle: the state comes back (snapshot, or the shared store) under another epoch.
        await followed.stop('SIGTERM');
        followed = await startApp('registry', env(port));
        expect(followed.port).toBe(port);
      }
      const roll = randomInt(100);
      const target = pick();
      if (roll < 30 || target === undefined) {
        const name = SERVICES[randomInt(SERVICES.length)];
        const fresh: Registration = {
          id: `${name}-${step}`,
          name,
          host: `127.0.0.${2 + randomInt(253)}`,
          port: 1024 + randomInt(60_000),
          metadata: { v: '0' },
          // A few short-lived ones that are never renewed expire during the run.
          ttlSeconds: randomInt(10) === 0 ? 1 : 3600,
        };
        registered.set(fresh.id, fresh);
        if (fresh.ttlSeconds === 1) shortLived.add(fresh.id);
        await write('POST', '/register', fresh);
      } else if (roll < 50) {
        target.metadata = { v: String(randomInt(1000)) };
        await write('POST', '/register', target);
      } else if (roll < 62) {
        await write('PATCH', `/service/${target.name}/${target.id}`, { enabled: randomInt(2) === 0 });
      } else if (roll < 72) {
        await write('PATCH', `/service/${target.name}/${target.id}`, { weight: randomInt(3) === 0 ? null : 1 + randomInt(100) });
      } else if (roll < 85) {
        registered.delete(target.id);
        await write('DELETE', `/service/${target.name}/${target.id}`);
      } else {
        // A plain renewal: no revision, nothing to follow.
        await write('POST', '/register', target);
      }
      // Now and then the client must have caught up: several deltas over the run, each checked.
      if (step % 100 === 99) await caughtUp(`the cache to match the registry after step ${step}`);
    }
    // The short TTLs run out and the sweep evicts them: wait until no short-lived one is listed (drained ones included).
    await waitFor(
      async () => {
        for (const name of SERVICES) {
          const { body } = await http<RegistryInstance[]>(`${url}/service/${name}?status=all`);
          if (body.some((instance) => shortLived.has(instance.id))) return false;
        }
        return true;
      },
      { timeoutMs: 10_000, message: 'every short-lived instance evicted' },
    );

    await caughtUp('the cache to hold exactly the registry state of its services');
    expect([...held()]).toEqual([...(await truth())]);
    expect(Object.keys(cache.snapshot()).sort()).toEqual([...WATCHED].sort());
    // Deltas carried the run; full answers only at the start and after the restart (a few more if a poll failed).
    expect(answers.delta).toBeGreaterThan(answers.full);
    expect(answers.full).toBeLessThan(10);

    await watcher.onApplicationShutdown();
    await client.onApplicationShutdown();
  }, 90_000);
});
