import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import { freePort } from '../../../../test/e2e/helpers/free-port';
import { resolveDiscoveryOptions } from '../config/resolve-options';
import { RegistryHttpClient } from '../registration/registry-http.client';
import {
  deregisterDirectly,
  registerDirectly,
  startTestRegistry,
  TestRegistry,
} from '../../../../test/fixtures/registry.fixture';
import { InstanceCache } from './instance-cache';
import { RegistryWatcher } from './registry-watcher';

interface Harness {
  cache: InstanceCache;
  watcher: RegistryWatcher;
  stop(): Promise<void>;
}

async function watching(url: string): Promise<Harness> {
  const config = resolveDiscoveryOptions({ register: false, urls: [url], ttlSeconds: 3600 }, {});
  const http = new RegistryHttpClient(config);
  const cache = new InstanceCache(config, http);
  const watcher = new RegistryWatcher(config, http, cache);
  await watcher.onApplicationBootstrap();
  return {
    cache,
    watcher,
    stop: async () => {
      await watcher.onApplicationShutdown();
      await http.onApplicationShutdown();
    },
  };
}

const ids = async (harness: Harness, service = 'calc'): Promise<string[]> =>
  (await harness.cache.instances(service)).map((i) => i.id).sort();

describe('RegistryWatcher', () => {
  const registries: TestRegistry[] = [];
  const harnesses: Harness[] = [];
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.stop()));
    await Promise.all(registries.map((r) => r.close().catch(() => undefined)));
  });

  it('fills the cache at start and brings every change within a fraction of a second', async () => {
    const registry = await startTestRegistry();
    registries.push(registry);
    const a = await registerDirectly(registry.url, { name: 'calc', port: 4201 });
    const harness = await watching(registry.url);
    harnesses.push(harness);
    expect(await ids(harness)).toEqual([a.id]); // answered from the start-up snapshot

    const b = await registerDirectly(registry.url, { name: 'calc', port: 4202 });
    const startedAt = Date.now();
    await waitFor(async () => (await ids(harness)).length === 2, { timeoutMs: 1000, message: 'new instance seen' });
    expect(Date.now() - startedAt).toBeLessThan(500);

    const removed: string[] = [];
    harness.cache.onChange((change) => removed.push(...change.removed.map((i) => i.id)));
    await deregisterDirectly(registry.url, 'calc', a.id);
    await waitFor(() => removed.includes(a.id), { timeoutMs: 1000, message: 'removal reported' });
    expect(await ids(harness)).toEqual([b.id]);
  });

  it('does not fail the start when the registry is down, and fills up once it appears', async () => {
    const port = await freePort();
    const harness = await watching(`http://127.0.0.1:${port}`);
    harnesses.push(harness);
    expect(harness.cache.snapshot()).toEqual({});

    const registry = await startTestRegistry({ port });
    registries.push(registry);
    const a = await registerDirectly(registry.url, { name: 'calc', port: 4301 });
    // Backoff is capped at 5 s; usually far less.
    await waitFor(async () => (await ids(harness)).includes(a.id), { timeoutMs: 7000, message: 'cache filled' });
  }, 10_000);

  it('resynchronises with a registry that restarted without its state', async () => {
    const port = await freePort();
    let registry = await startTestRegistry({ port });
    const a = await registerDirectly(registry.url, { name: 'calc', port: 4401 });
    await registerDirectly(registry.url, { name: 'calc', port: 4402 });
    const harness = await watching(registry.url);
    harnesses.push(harness);
    await waitFor(async () => (await ids(harness)).length === 2, { message: 'two instances' });

    await registry.close();
    registry = await startTestRegistry({ port, dataDir: mkdtempSync(join(tmpdir(), 'discovery-empty-')) });
    registries.push(registry);
    const c = await registerDirectly(registry.url, { name: 'calc', port: 4403 });
    await waitFor(async () => (await ids(harness)).join() === c.id, {
      timeoutMs: 7000,
      message: `only ${c.id} (not ${a.id}) after the reset`,
    });
  }, 10_000);

  it('follows only the services the app calls, adding one asked for at run time, with deltas', async () => {
    const registry = await startTestRegistry();
    registries.push(registry);
    await registerDirectly(registry.url, { name: 'calc', port: 4501 });
    await registerDirectly(registry.url, { name: 'orders', port: 4502 });
    const config = resolveDiscoveryOptions({ register: false, urls: [registry.url], ttlSeconds: 3600 }, {});
    const http = new RegistryHttpClient(config);
    const cache = new InstanceCache(config, http);
    cache.subscribe('calc');
    const watcher = new RegistryWatcher(config, http, cache);
    await watcher.onApplicationBootstrap();
    harnesses.push({ cache, watcher, stop: async () => (await watcher.onApplicationShutdown(), await http.onApplicationShutdown()) });
    // Filled at start with the declared service only.
    expect(Object.keys(cache.snapshot())).toEqual(['calc']);
    expect(cache.epoch).toBeDefined();

    // A service first asked for at run time: answered by its lookup, then followed.
    expect((await cache.instances('orders')).map((i) => i.port)).toEqual([4502]);
    expect(cache.subscriptions).toEqual(['calc', 'orders']);
    const more = await registerDirectly(registry.url, { name: 'orders', port: 4503 });
    await waitFor(async () => (await cache.instances('orders')).some((i) => i.id === more.id), { timeoutMs: 1000, message: 'orders followed' });

    // Another service's changes never reach the cache.
    await registerDirectly(registry.url, { name: 'users', port: 4504 });
    const calcMore = await registerDirectly(registry.url, { name: 'calc', port: 4505 });
    await waitFor(async () => (await cache.instances('calc')).some((i) => i.id === calcMore.id), { timeoutMs: 1000, message: 'calc delta' });
    expect(Object.keys(cache.snapshot()).sort()).toEqual(['calc', 'orders']);
  });

  it('stops at once on shutdown, even with a long poll in flight', async () => {
    const registry = await startTestRegistry();
    registries.push(registry);
    const harness = await watching(registry.url);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the long poll reach the registry
    const startedAt = Date.now();
    await harness.stop();
    expect(Date.now() - startedAt).toBeLessThan(500);
  });
});
