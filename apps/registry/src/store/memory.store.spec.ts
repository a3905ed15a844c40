import { InstanceNameConflictError } from '../errors/instance-name-conflict.error';
import { InstanceRegistration } from '../registry/instance.entity';
import { ManualClock } from '../testing.clock';
import { MemoryRegistryStore } from './memory.store';

function registration(overrides: Partial<InstanceRegistration> = {}): InstanceRegistration {
  return {
    id: 'calc-1',
    name: 'calc',
    host: '127.0.0.1',
    port: 8080,
    protocol: 'http',
    tags: ['v1'],
    metadata: { zone: 'a' },
    weight: 1,
    ttlSeconds: 10,
    ...overrides,
  };
}

describe('MemoryRegistryStore', () => {
  let clock: ManualClock;
  let store: MemoryRegistryStore;
  let changes: number[];

  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryRegistryStore(clock, (name) => `${name}-generated`);
    changes = [];
    store.onChange((revision) => changes.push(revision));
  });

  it('registers a new instance, bumping the revision', async () => {
    const result = await store.upsert(registration());
    expect(result.created).toBe(true);
    expect(result.revision).toBe(1);
    expect(result.instance).toMatchObject({ id: 'calc-1', status: 'passing', registeredAt: '2025-01-01T00:00:00.000Z' });
    expect(await store.get('calc')).toEqual([result.instance]);
    expect(changes).toEqual([1]);
  });

  it('assigns an id when none is given', async () => {
    const { instance } = await store.upsert(registration({ id: undefined }));
    expect(instance.id).toBe('calc-generated');
  });

  it('renews without bumping when nothing but the heartbeat changes', async () => {
    await store.upsert(registration());
    clock.advance(5000);
    const renewal = await store.upsert(registration());
    expect(renewal).toMatchObject({ created: false, changed: false, revision: 1 });
    expect(renewal.instance.lastHeartbeat).toBe('2025-01-01T00:00:05.000Z');
    expect(changes).toEqual([1]);
  });

  it.each([
    ['metadata', { metadata: { zone: 'b' } }],
    ['metadata keys', { metadata: { zone: 'a', extra: 'x' } }],
    ['tags', { tags: ['v2'] }],
    ['weight', { weight: 5 }],
    ['port', { port: 9090 }],
    ['host', { host: '10.0.0.1' }],
    ['protocol', { protocol: 'https' as const }],
    ['ttl', { ttlSeconds: 20 }],
  ])('bumps the revision when a renewal changes %s', async (_field, change) => {
    const first = await store.upsert(registration());
    const renewal = await store.upsert(registration(change));
    expect(renewal).toMatchObject({ created: false, changed: true, revision: 2 });
    expect(renewal.instance.registeredAt).toBe(first.instance.registeredAt);
    expect(await store.get('calc')).toEqual([renewal.instance]);
  });

  it('keeps arrays handed out earlier unchanged, and hands out the same array until the service changes', async () => {
    await store.upsert(registration());
    const before = await store.get('calc');
    expect(await store.get('calc')).toBe(before);
    await store.upsert(registration());
    expect(await store.get('calc')).toBe(before); // a plain renewal
    await store.upsert(registration({ id: 'calc-2' }));
    expect(before).toHaveLength(1);
    expect(await store.get('calc')).toHaveLength(2);
    expect(await store.get('calc')).not.toBe(before);
  });

  it('rejects a renewal under another name and changes nothing', async () => {
    await store.upsert(registration());
    await expect(store.upsert(registration({ name: 'other' }))).rejects.toBeInstanceOf(InstanceNameConflictError);
    expect(await store.revision()).toBe(1);
    expect(await store.get('other')).toEqual([]);
  });

  it('deregisters, bumping the revision; unknown ids and wrong names are false', async () => {
    await store.upsert(registration());
    expect(await store.deregister('other', 'calc-1')).toBe(false);
    expect(await store.deregister('calc', 'nope')).toBe(false);
    expect(await store.revision()).toBe(1);
    expect(await store.deregister('calc', 'calc-1')).toBe(true);
    expect(await store.revision()).toBe(2);
    expect((await store.all()).services).toEqual({});
  });

  it('filters by tag', async () => {
    await store.upsert(registration({ id: 'a', tags: ['blue'] }));
    await store.upsert(registration({ id: 'b', tags: ['green'] }));
    expect((await store.get('calc', 'green')).map((instance) => instance.id)).toEqual(['b']);
    expect(await store.get('calc', 'red')).toEqual([]);
    expect(await store.get('unknown')).toEqual([]);
  });

  it('expires instances after their TTL, bumping once per sweep', async () => {
    await store.upsert(registration({ id: 'a', ttlSeconds: 1 }));
    await store.upsert(registration({ id: 'b', ttlSeconds: 1 }));
    await store.upsert(registration({ id: 'c', ttlSeconds: 10 }));
    clock.advance(999);
    expect(await store.expire()).toEqual([]);
    expect(await store.revision()).toBe(3);
    clock.advance(1);
    const evicted = await store.expire();
    expect(evicted.map((instance) => instance.id).sort()).toEqual(['a', 'b']);
    expect(await store.revision()).toBe(4);
    expect((await store.get('calc')).map((instance) => instance.id)).toEqual(['c']);
  });

  it('a renewal pushes the expiry out', async () => {
    await store.upsert(registration({ ttlSeconds: 1 }));
    clock.advance(900);
    await store.upsert(registration({ ttlSeconds: 1 }));
    clock.advance(900);
    expect(await store.expire()).toEqual([]);
    clock.advance(100);
    expect(await store.expire()).toHaveLength(1);
  });

  it('serves one cached state object per revision', async () => {
    await store.upsert(registration());
    const first = await store.all();
    expect(await store.all()).toBe(first);
    await store.upsert(registration({ id: 'calc-2' }));
    const second = await store.all();
    expect(second).not.toBe(first);
    expect(second.revision).toBe(2);
    expect(second.services.calc).toHaveLength(2);
  });

  it('round-trips a snapshot, continuing the revision with fresh TTLs', async () => {
    await store.upsert(registration({ id: 'a', ttlSeconds: 5 }));
    await store.upsert(registration({ id: 'b', name: 'web', ttlSeconds: 5 }));
    const snapshot = JSON.parse(JSON.stringify(store.toSnapshot()));
    clock.advance(60_000);

    const restored = new MemoryRegistryStore(clock);
    restored.restore(snapshot);
    expect(await restored.revision()).toBe(3);
    const all = await restored.all();
    expect(Object.keys(all.services)).toEqual(['calc', 'web']);
    expect(all.services.calc[0].lastHeartbeat).toBe(new Date(clock.now()).toISOString());
    clock.advance(4999);
    expect(await restored.expire()).toEqual([]);
    clock.advance(1);
    expect(await restored.expire()).toHaveLength(2);
  });
});
