import { randomInt } from 'node:crypto';
import { InstanceRegistration, isRoutable, RegistryInstance } from '../registry/instance.entity';
import { MemoryRegistryStore } from '../store/memory.store';
import { ManualClock } from '../testing.clock';
import { ChangeLog } from './change.log';
import { isEmptyDelta, serviceDelta } from './service.delta';

const SERVICES = ['calc', 'orders', 'users'];

function registration(id: string, name: string, overrides: Partial<InstanceRegistration> = {}): InstanceRegistration {
  return { id, name, host: '127.0.0.2', port: 8080, protocol: 'http', tags: [], metadata: {}, weight: 1, ttlSeconds: 10, ...overrides };
}

/** The routable listing of every service, by id (what a client holds). */
async function listing(store: MemoryRegistryStore): Promise<Map<string, Map<string, RegistryInstance>>> {
  const held = new Map<string, Map<string, RegistryInstance>>();
  for (const name of SERVICES) {
    held.set(name, new Map((await store.get(name)).filter(isRoutable).map((instance) => [instance.id, { ...instance }])));
  }
  return held;
}

describe('serviceDelta over a memory store', () => {
  it('is empty for an instance registered and gone within the range', () => {
    const store = new MemoryRegistryStore(new ManualClock());
    const log = new ChangeLog();
    log.anchor(0);
    store.onChange((revision, changes) => log.record(revision, changes));
    store.upsertSync(registration('a', 'calc'));
    void store.deregister('calc', 'a');
    expect(isEmptyDelta(serviceDelta(log.since('calc', 0) ?? []))).toBe(true);
  });

  it('brings a client holding any remembered revision to the current routable state', async () => {
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const log = new ChangeLog();
    log.anchor(0);
    store.onChange((revision, changes) => log.record(revision, changes));
    const held = new Map<number, Map<string, Map<string, RegistryInstance>>>([[0, await listing(store)]]);
    const ids: Array<[string, string]> = [];
    for (let step = 0; step < 600; step++) {
      const roll = randomInt(100);
      const [name, id] = ids.length > 0 ? ids[randomInt(ids.length)] : ['calc', 'none'];
      if (roll < 30 || ids.length === 0) {
        const service = SERVICES[randomInt(SERVICES.length)];
        const fresh = `${service}-${step}`;
        ids.push([service, fresh]);
        store.upsertSync(registration(fresh, service, { ttlSeconds: 1 + randomInt(20) }));
      } else if (roll < 50) store.upsertSync(registration(id, name, { metadata: { v: String(randomInt(3)) } }));
      else if (roll < 60) await store.patch(name, id, { enabled: randomInt(2) === 0 });
      else if (roll < 68) await store.patch(name, id, { weight: randomInt(2) === 0 ? null : 1 + randomInt(5) });
      else if (roll < 76) await store.setHealth(name, id, { status: randomInt(2) === 0 ? 'critical' : 'passing', output: 'probe' });
      else if (roll < 86) await store.deregister(name, id);
      else if (roll < 90) {
        clock.advance(1000 * (1 + randomInt(5)));
        await store.expire();
      }
      const revision = await store.revision();
      if (!held.has(revision)) held.set(revision, await listing(store));
    }
    const current = await listing(store);
    for (const [revision, state] of held) {
      for (const name of SERVICES) {
        const changes = log.since(name, revision);
        expect(changes).toBeDefined();
        const delta = serviceDelta(changes ?? []);
        const mine = new Map(state.get(name));
        for (const instance of delta.added) {
          expect(mine.has(instance.id)).toBe(false);
          mine.set(instance.id, instance);
        }
        for (const instance of delta.updated) {
          expect(mine.has(instance.id)).toBe(true);
          mine.set(instance.id, instance);
        }
        for (const id of delta.removed) expect(mine.delete(id)).toBe(true);
        expect([...mine.keys()].sort()).toEqual([...(current.get(name)?.keys() ?? [])].sort());
        // Renewals and probe outputs change an instance in place, with no revision: not compared.
        const fields = (instance: RegistryInstance | undefined): string => JSON.stringify({ ...instance, lastHeartbeat: '', checkOutput: '' });
        for (const [id, instance] of mine) expect(fields(instance)).toEqual(fields(current.get(name)?.get(id)));
      }
    }
  });
});
