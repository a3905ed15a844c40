import { MemoryRegistryStore } from '../store/memory.store';
import { ManualClock } from '../testing.clock';
import { HEARTBEAT_STALENESS_MS, LAG_MIN_BYTES, ServicesView, servicesJson } from './services.view';

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
    const calls = stringify.mock.calls.length;
    const again = await Promise.all(Array.from({ length: 100 }, () => view.current()));
    expect(stringify).toHaveBeenCalledTimes(calls);
    expect(again.every((answer) => answer === first)).toBe(true);
    expect(JSON.parse(first.body.toString())).toEqual({ revision: 1, services: { calc: [expect.objectContaining({ id: 'calc-1' })] } });

    await store.upsert({ ...registration, id: 'calc-2' });
    const next = await view.current();
    expect(next.revision).toBe(2);
    expect(JSON.parse(servicesJson(next).toString()).calc).toHaveLength(2);
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
    expect(JSON.parse(servicesJson(later).toString()).calc[0].lastHeartbeat).toBe(new Date(clock.now()).toISOString());
  });

  it('lets a registration (or a coalesced watch) answer reuse a recent view of a large registry under churn, never /services', async () => {
    // The lag allowed is measured in CPU time (monotonic): every reading of it here moves it 1 ms on.
    let mono = 0;
    const now = jest.spyOn(performance, 'now').mockImplementation(() => (mono += 1));
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    await store.upsert({ ...registration, metadata: { blob: 'x'.repeat(LAG_MIN_BYTES) } });
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

  it('never lags on a small registry: a registration is answered with a view that holds it', async () => {
    let mono = 0;
    const now = jest.spyOn(performance, 'now').mockImplementation(() => (mono += 1));
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    await store.upsert(registration);
    await view.current();
    await store.upsert({ ...registration, id: 'calc-2' });
    expect((await view.current({ allowLag: true })).revision).toBe(2);
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

  it('serializes in slices, yielding between them, to what one JSON.stringify of the state gives', async () => {
    // Every reading of the monotonic clock moves it 5 ms on: each slice is over its budget, so the build yields after each.
    let mono = 0;
    const now = jest.spyOn(performance, 'now').mockImplementation(() => (mono += 5));
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    for (let i = 0; i < 1_200; i++) await store.upsert({ ...registration, id: `fat-${i}`, name: 'fat', metadata: { é: `ü-${i}` } });
    for (let i = 0; i < 3; i++) await store.upsert({ ...registration, id: `calc-${i}` });
    await store.upsert({ ...registration, id: 'quoted', name: 'odd"name' });
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    const built = await view.current();
    clearInterval(counting);
    const state = await store.all();
    expect(built.body.toString()).toBe(JSON.stringify({ revision: state.revision, services: state.services }));
    expect(servicesJson(built).toString()).toBe(JSON.stringify(state.services));
    expect(turns).toBeGreaterThan(0);
    now.mockRestore();
  });

  it('serializes an empty registry', async () => {
    const clock = new ManualClock();
    const view = new ServicesView(new MemoryRegistryStore(clock), clock);
    const built = await view.current();
    expect(JSON.parse(built.body.toString())).toEqual({ revision: 0, services: {} });
    expect(servicesJson(built).toString()).toBe('{}');
  });

  it('never answers a watcher that must learn something with the revision it holds', async () => {
    let mono = 0;
    const now = jest.spyOn(performance, 'now').mockImplementation(() => (mono += 1));
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    const view = new ServicesView(store, clock);
    await store.upsert(registration);
    const first = await view.current();
    await store.upsert({ ...registration, id: 'calc-2' });
    expect(view.holds('routable', first.revision)).toBe(true);
    expect(view.rebuildDelayMs()).toBeGreaterThan(0);
    expect((await view.current({ allowLag: true, newerThan: first.revision })).revision).toBe(2);
    now.mockRestore();
  });
});
