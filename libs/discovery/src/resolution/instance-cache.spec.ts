import { resolveDiscoveryOptions } from '../config/resolve-options';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { RegistryHttpClient } from '../registration/registry-http.client';
import {
  deregisterDirectly,
  registerDirectly,
  startTestRegistry,
  TestRegistry,
} from '../../../../test/fixtures/registry.fixture';
import { instance as fixtureInstance } from '../client/test-support/fixtures';
import { InstanceCache, InstanceCacheChange } from './instance-cache';

// The cache's specs use calc on port 4000 unless a test says otherwise.
function instance(id: string, overrides: Partial<ServiceInstance> = {}): ServiceInstance {
  return fixtureInstance(id, 4000, { name: 'calc', ...overrides });
}

function cacheFor(url: string): { cache: InstanceCache; http: RegistryHttpClient } {
  // TTL of an hour: the heartbeat-derived staleness window never passes during a test.
  const config = resolveDiscoveryOptions({ register: false, urls: [url], ttlSeconds: 3600 }, {});
  const http = new RegistryHttpClient(config);
  return { cache: new InstanceCache(config, http), http };
}

describe('InstanceCache', () => {
  describe('from subscription answers', () => {
    const { cache, http } = cacheFor('http://127.0.0.1:9'); // nothing listens: lookups fail fast
    afterAll(() => http.onApplicationShutdown());

    it('replaces the services of a full answer, applies deltas, and never takes another service for empty', async () => {
      cache.subscribe('calc');
      cache.applyWatch({ revision: 5, epoch: 'e1', full: true, services: { calc: [instance('a'), instance('b')] } });
      cache.setLive(true);
      cache.applyWatch({
        revision: 6,
        epoch: 'e1',
        full: false,
        changes: { calc: { added: [instance('c')], updated: [instance('a', { weight: 7 })], removed: ['b'] } },
      });
      expect(cache.cached('calc')?.map((i) => [i.id, i.weight])).toEqual([
        ['a', 7],
        ['c', 1],
      ]);
      expect([cache.revision, cache.epoch]).toEqual([6, 'e1']);
      // A heartbeat answer at the same revision does not make the cache complete.
      cache.confirm(6);
      expect(cache.cached('orders')).toBeUndefined();
      expect(cache.subscriptions).toEqual(['calc', 'orders']);
    });
  });

  describe('from snapshots', () => {
    const { cache, http } = cacheFor('http://127.0.0.1:9'); // nothing listens: lookups fail fast
    afterAll(() => http.onApplicationShutdown());

    it('serves only routable instances: passing and not drained', async () => {
      cache.applySnapshot(1, {
        calc: [
          instance('a'),
          instance('b', { status: 'critical' }),
          // A status this library does not know (a newer registry's) is not routable either.
          instance('c', { status: 'warning' as ServiceInstance['status'] }),
          instance('d', { enabled: false }),
        ],
      });
      expect((await cache.instances('calc')).map((i) => i.id)).toEqual(['a']);
      expect(cache.snapshot()).toEqual({ calc: [instance('a')] });
      expect(cache.revision).toBe(1);
    });

    it('replaces everything on a new revision and reports what changed', async () => {
      const changes: InstanceCacheChange[] = [];
      const off = cache.onChange((change) => changes.push(change));
      cache.applySnapshot(2, { calc: [instance('a'), instance('d')], other: [instance('o', { name: 'other' })] });
      cache.applySnapshot(3, { calc: [instance('d')] });
      cache.applySnapshot(3, { calc: [] }); // same revision: already held, ignored
      off();
      cache.applySnapshot(4, { calc: [instance('e')] }); // unsubscribed

      expect(await cache.instances('calc')).toEqual([instance('e')]);
      expect(changes.map(({ added, removed }) => [added.map((i) => i.id), removed.map((i) => i.id)])).toEqual([
        [['d', 'o'], []],
        [[], ['a', 'o']],
      ]);
    });

    it('treats a moved instance (same id, new port) as one leaving and one arriving', () => {
      const changes: InstanceCacheChange[] = [];
      cache.onChange((change) => changes.push(change));
      cache.applySnapshot(5, { calc: [instance('e', { port: 4001 })] });
      expect(changes).toHaveLength(1);
      expect(changes[0].removed[0].port).toBe(4000);
      expect(changes[0].added[0].port).toBe(4001);
    });

    it('keeps serving the last known instances while the registry is unreachable', async () => {
      expect((await cache.instances('calc')).map((i) => i.port)).toEqual([4001]);
      expect(await cache.instances('never-seen')).toEqual([]);
    });

    it('survives a listener that throws', () => {
      const off = cache.onChange(() => {
        throw new Error('boom');
      });
      expect(() => cache.applySnapshot(6, {})).not.toThrow();
      off();
    });
  });

  describe('against the real registry', () => {
    let registry: TestRegistry;
    let cache: InstanceCache;
    let http: RegistryHttpClient;

    beforeAll(async () => {
      registry = await startTestRegistry();
      ({ cache, http } = cacheFor(registry.url));
    });
    afterAll(async () => {
      await http.onApplicationShutdown();
      await registry.close();
    });

    it('looks a never-seen service up once, then answers from memory', async () => {
      const first = await registerDirectly(registry.url, { name: 'calc', port: 4100 });
      const [a, b] = await Promise.all([cache.instances('calc'), cache.instances('calc')]);
      expect(a).toBe(b); // concurrent first lookups share one request
      expect(a.map((i) => i.id)).toEqual([first.id]);

      // Without a watch the cache is not told; it keeps answering from memory.
      await deregisterDirectly(registry.url, 'calc', first.id);
      expect((await cache.instances('calc')).map((i) => i.id)).toEqual([first.id]);
    });

    it('answers [] for a service the registry does not know', async () => {
      expect(await cache.instances('nobody')).toEqual([]);
    });

    it('serves the last known instances after the registry went away', async () => {
      await registry.close();
      expect((await cache.instances('calc')).length).toBe(1);
      registry = await startTestRegistry({ port: registry.port, dataDir: registry.dataDir });
    });
  });
});
