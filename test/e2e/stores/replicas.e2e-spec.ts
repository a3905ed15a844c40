import { describeStores, uniquePrefix } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, http, InstanceJson, register, StateJson, TestRegistry } from '../registry/registry.harness';

/** Two registry replicas over one Redis or etcd: one registry, seen through either. */
describeStores(
  'two registry replicas on one store',
  (store) => {
    let a: TestRegistry;
    let b: TestRegistry;
    let storePrefix: string;

    beforeEach(async () => {
      storePrefix = uniquePrefix();
      [a, b] = await Promise.all([
        bootRegistry({ store: store.location, storePrefix }),
        bootRegistry({ store: store.location, storePrefix }),
      ]);
    });

    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    const state = async (registry: TestRegistry): Promise<StateJson> => (await http<StateJson>(`${registry.url}/services`)).body;

    it('lists on one replica what was registered through the other, at the same revision', async () => {
      const { body: registered } = await register(a.url, calc({ id: 'calc-1', tags: ['v1'] }));
      const seen = await waitFor(
        async () => {
          const list = (await http<InstanceJson[]>(`${b.url}/service/calc`)).body;
          return list.length === 1 ? list : undefined;
        },
        { timeoutMs: 2000, message: 'replica B to list the instance' },
      );
      expect(seen[0]).toMatchObject({ id: 'calc-1', tags: ['v1'], registeredAt: registered.instance.registeredAt });
      expect((await state(b)).revision).toBe(registered.revision);

      // A renewal through B is a renewal (200, same revision), not a new registration.
      const renewal = await register(b.url, calc({ id: 'calc-1', tags: ['v1'] }), { knownRevision: registered.revision });
      expect(renewal.status).toBe(200);
      expect(renewal.body.revision).toBe(registered.revision);
      // A deregistration through B removes it from A too.
      expect((await http(`${b.url}/service/calc/calc-1`, { method: 'DELETE' })).status).toBe(204);
      await waitFor(async () => (await state(a)).services.calc === undefined, { timeoutMs: 2000, message: 'A to drop it' });
      expect((await state(a)).revision).toBe((await state(b)).revision);
    });

    it('wakes a long poll on replica B with a registration made through replica A', async () => {
      const { revision } = await state(b);
      const watching = http<StateJson>(`${b.url}/watch?revision=${revision}&timeoutSeconds=30`);
      await waitFor(async () => (await http<{ watchers: number }>(`${b.url}/health`)).body.watchers === 1, {
        message: 'the watcher to be parked on B',
      });
      const changedAt = Date.now();
      const { body: registered } = await register(a.url, calc({ id: 'calc-1' }));
      const { body } = await watching;
      expect(Date.now() - changedAt).toBeLessThan(500);
      expect(body.revision).toBe(registered.revision);
      expect(body.services.calc.map((instance) => instance.id)).toEqual(['calc-1']);
    });

    it('evicts once for both replicas: one new revision, seen by both', async () => {
      await register(a.url, calc({ id: 'keep', ttlSeconds: 60 }));
      const { body: registered } = await register(b.url, calc({ id: 'short', ttlSeconds: 1 }));
      const watchers = [a, b].map((replica) =>
        http<StateJson>(`${replica.url}/watch?revision=${registered.revision}&timeoutSeconds=10`),
      );
      const [onA, onB] = (await Promise.all(watchers)).map((answer) => answer.body);
      expect(onA.services.calc.map((instance) => instance.id)).toEqual(['keep']);
      expect(onB).toEqual(onA);
      if (store.kind === 'redis') expect(onA.revision).toBe(registered.revision + 1);
      // No further bump from the other replica's sweep.
      const later = await http<StateJson>(`${a.url}/watch?revision=${onA.revision}&timeoutSeconds=1`);
      expect(later.body.revision).toBe(onA.revision);
    });

    it('starts a third replica later at the revision the others report', async () => {
      await register(a.url, calc({ id: 'calc-1', ttlSeconds: 60 }));
      await register(a.url, calc({ id: 'calc-2', ttlSeconds: 60 }));
      expect((await http(`${a.url}/service/calc/calc-2`, { method: 'DELETE' })).status).toBe(204);
      const { revision } = await state(a);
      await waitFor(async () => (await state(b)).revision === revision, { message: 'B to catch up' });
      // The last change was a deletion, which no key shows: etcd keeps its revision in a marker key.
      const c = await bootRegistry({ store: store.location, storePrefix });
      try {
        expect(await state(c)).toEqual(await state(a));
      } finally {
        await c.close();
      }
    });
  },
  ['redis', 'etcd'],
);
