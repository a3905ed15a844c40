import { MemoryRegistryStore } from '../store/memory.store';
import { ManualClock } from '../testing.clock';
import { ServiceAnswers } from './service-answers';
import { HEARTBEAT_STALENESS_MS } from './services.view';

describe('ServiceAnswers', () => {
  const registration = (id: string, name: string) => ({
    id,
    name,
    host: '127.0.0.2',
    port: 8080,
    protocol: 'http' as const,
    tags: ['v1'],
    metadata: {},
    weight: 1,
    ttlSeconds: 30,
  });

  async function setUp() {
    const clock = new ManualClock();
    const store = new MemoryRegistryStore(clock);
    await store.upsert(registration('calc-1', 'calc'));
    await store.upsert(registration('web-1', 'web'));
    return { clock, store, answers: new ServiceAnswers(clock) };
  }

  it('serializes a service once and shares the string until that service changes', async () => {
    const { store, answers } = await setUp();
    const calc = answers.json(await store.get('calc'), 'routable');
    const web = answers.json(await store.get('web'), 'routable');
    const stringify = jest.spyOn(JSON, 'stringify');
    expect(answers.json(await store.get('calc'), 'routable')).toBe(calc);

    await store.upsert(registration('calc-2', 'calc'));
    const changed = answers.json(await store.get('calc'), 'routable');
    expect(JSON.parse(changed).map((instance: { id: string }) => instance.id)).toEqual(['calc-1', 'calc-2']);
    // The other service's answer is not rebuilt.
    expect(answers.json(await store.get('web'), 'routable')).toBe(web);
    expect(stringify).toHaveBeenCalledTimes(1);
    stringify.mockRestore();
  });

  it('keeps answers apart by scope and tag, and drops the drained from the routable one', async () => {
    const { store, answers } = await setUp();
    await store.patch('calc', 'calc-1', { enabled: false });
    const instances = await store.get('calc');
    expect(JSON.parse(answers.json(instances, 'routable'))).toEqual([]);
    expect(JSON.parse(answers.json(instances, 'all'))).toHaveLength(1);
    expect(JSON.parse(answers.json(instances, 'all', 'v2'))).toEqual([]);
    expect(JSON.parse(answers.json(instances, 'all', 'v1'))).toHaveLength(1);
  });

  it('rebuilds a steady service once its heartbeats may have gone stale', async () => {
    const { clock, store, answers } = await setUp();
    const first = answers.json(await store.get('calc'), 'routable');
    clock.advance(HEARTBEAT_STALENESS_MS);
    await store.upsert(registration('calc-1', 'calc'));
    const later = answers.json(await store.get('calc'), 'routable');
    expect(later).not.toBe(first);
    expect(JSON.parse(later)[0].lastHeartbeat).toBe(new Date(clock.now()).toISOString());
  });
});
