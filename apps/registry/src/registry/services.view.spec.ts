import { MemoryRegistryStore } from '../store/memory.store';
import { ManualClock } from '../testing.clock';
import { HEARTBEAT_STALENESS_MS, ServicesView } from './services.view';

describe('ServicesView', () => {
  const registration = {
    id: 'calc-1',
    name: 'calc',
    host: '127.0.0.1',
    port: 8080,
    protocol: 'http' as const,
    tags: [],
    metadata: {},
    weight: 1,
    ttlSeconds: 30,
  };

  it('serializes once per revision and shares the string', async () => {
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    await store.upsert(registration);
    const stringify = jest.spyOn(JSON, 'stringify');
    const first = await view.current();
    const again = await Promise.all(Array.from({ length: 100 }, () => view.current()));
    expect(stringify).toHaveBeenCalledTimes(1);
    expect(again.every((answer) => answer === first)).toBe(true);
    expect(JSON.parse(first.body)).toEqual({ revision: 1, services: { calc: [expect.objectContaining({ id: 'calc-1' })] } });

    await store.upsert({ ...registration, id: 'calc-2' });
    const next = await view.current();
    expect(next.revision).toBe(2);
    expect(JSON.parse(next.services).calc).toHaveLength(2);
    stringify.mockRestore();
  });

  it('re-serializes a steady revision once heartbeats may have gone stale', async () => {
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    await store.upsert(registration);
    const first = await view.current();
    clock.advance(HEARTBEAT_STALENESS_MS);
    await store.upsert(registration);
    const later = await view.current();
    expect(later.revision).toBe(first.revision);
    expect(JSON.parse(later.services).calc[0].lastHeartbeat).toBe(new Date(clock.now()).toISOString());
  });

  it('lets a registration (or a coalesced watch) answer reuse a recent view under churn, never /services', async () => {
    // The lag allowed is measured in CPU time (monotonic): every reading of it here moves it 1 ms on.
    let mono = 0;
    const now = jest.spyOn(performance, 'now').mockImplementation(() => (mono += 1));
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    await store.upsert(registration);
    const first = await view.current();
    await store.upsert({ ...registration, id: 'calc-2' });

    const lagging = await view.current({ allowLag: true });
    expect(lagging).toBe(first);
    expect(lagging.revision).toBe(1);
    expect((await view.current()).revision).toBe(2);

    await store.upsert({ ...registration, id: 'calc-3' });
    expect(view.rebuildDelayMs()).toBeGreaterThan(0);
    mono += 1000;
    expect(view.rebuildDelayMs()).toBe(0);
    expect((await view.current({ allowLag: true })).revision).toBe(3);
    now.mockRestore();
  });

  it('shares one build among callers asking at once for the same revision', async () => {
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    await store.upsert(registration);
    const all = jest.spyOn(store, 'all');
    const views = await Promise.all(Array.from({ length: 50 }, () => view.current()));
    expect(all).toHaveBeenCalledTimes(1);
    expect(new Set(views).size).toBe(1);
  });
});
