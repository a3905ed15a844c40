import { describeStores } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, http, register, StateJson, TestRegistry } from './registry.harness';

/** A revision no store reaches in a test. */
const FAR_AHEAD = 9_000_000_000_000;

describeStores('registry long poll', (store) => {
  let registry: TestRegistry;
  let url: string;

  beforeEach(async () => {
    registry = await bootRegistry({ store: store.location });
    url = registry.url;
  });

  // Bounded, but past jest's 5 s default: under a full suite's load a Redis-backed app's close once took longer.
  afterEach(() => registry.close(), 20_000);

  const watchers = async (): Promise<number> => ((await http<{ watchers: number }>(`${url}/health`)).body).watchers;

  it('answers at once without a revision', async () => {
    const started = Date.now();
    const { status, body } = await http<StateJson>(`${url}/watch?timeoutSeconds=30`);
    expect(status).toBe(200);
    expect(body).toEqual({ revision: 0, services: {} });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('answers at once when the caller is behind (or ahead, after a registry reset)', async () => {
    const { body: registered } = await register(url, calc());
    const behind = await http<StateJson>(`${url}/watch?revision=0&timeoutSeconds=30`);
    expect(behind.body.revision).toBe(registered.revision);
    const ahead = await http<StateJson>(`${url}/watch?revision=${FAR_AHEAD}&timeoutSeconds=30`);
    expect(ahead.body.revision).toBe(registered.revision);
  });

  it('is woken by a change, quickly', async () => {
    const { body: initial } = await http<StateJson>(`${url}/services`);
    const watching = http<StateJson>(`${url}/watch?revision=${initial.revision}&timeoutSeconds=30`);
    await waitFor(async () => (await watchers()) === 1, { message: 'the watcher to be parked' });
    const changedAt = Date.now();
    await register(url, calc({ id: 'calc-1' }));
    const { status, body } = await watching;
    expect(Date.now() - changedAt).toBeLessThan(500);
    expect(status).toBe(200);
    expect(body.revision).toBeGreaterThan(initial.revision);
    expect(body.services.calc.map((instance) => instance.id)).toEqual(['calc-1']);
  });

  it('is woken by a deregistration and by an eviction', async () => {
    await register(url, calc({ id: 'calc-1', ttlSeconds: 60 }));
    const { body: registered } = await register(url, calc({ id: 'calc-2', ttlSeconds: 1 }));
    const deregistered = http<StateJson>(`${url}/watch?revision=${registered.revision}&timeoutSeconds=30`);
    await waitFor(async () => (await watchers()) === 1, { message: 'the watcher to be parked' });
    await http(`${url}/service/calc/calc-1`, { method: 'DELETE' });
    const afterDelete = (await deregistered).body;
    expect(afterDelete.services.calc.map((instance) => instance.id)).toEqual(['calc-2']);

    const evicted = await http<StateJson>(`${url}/watch?revision=${afterDelete.revision}&timeoutSeconds=10`);
    expect(evicted.body.revision).toBeGreaterThan(afterDelete.revision);
    expect(evicted.body.services).toEqual({});
  });

  it('wakes many watchers with one change', async () => {
    const parked = Array.from({ length: 50 }, () => http<StateJson>(`${url}/watch?revision=0&timeoutSeconds=30`));
    await waitFor(async () => (await watchers()) === 50, { message: '50 parked watchers' });
    const { body: registered } = await register(url, calc({ id: 'calc-1' }));
    const answers = await Promise.all(parked);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    expect(answers[0].body.revision).toBe(registered.revision);
  });

  it('times out with the unchanged state', async () => {
    const { body: registered } = await register(url, calc({ id: 'calc-1' }));
    const started = Date.now();
    const { status, body } = await http<StateJson>(`${url}/watch?revision=${registered.revision}&timeoutSeconds=1`);
    const elapsed = Date.now() - started;
    expect(status).toBe(200);
    expect(body.revision).toBe(registered.revision);
    expect(body.services.calc).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2000);
  });

  it('a plain renewal does not wake watchers', async () => {
    const { body: registered } = await register(url, calc({ id: 'calc-1' }));
    const started = Date.now();
    const watching = http<StateJson>(`${url}/watch?revision=${registered.revision}&timeoutSeconds=1`);
    await waitFor(async () => (await watchers()) === 1, { message: 'the watcher to be parked' });
    await register(url, calc({ id: 'calc-1' }), { knownRevision: registered.revision });
    const { body } = await watching;
    expect(body.revision).toBe(registered.revision);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('releases a watcher whose client went away', async () => {
    const aborter = new AbortController();
    const watching = http(`${url}/watch?revision=0&timeoutSeconds=300`, { signal: aborter.signal }).catch(
      (error: { name: string }) => error.name,
    );
    await waitFor(async () => (await watchers()) === 1, { message: 'the watcher to be parked' });
    aborter.abort();
    expect(await watching).toBe('AbortError');
    await waitFor(async () => (await watchers()) === 0, { message: 'the watcher to be released' });
  });

  it('answers pending watchers at once on shutdown', async () => {
    const watching = http<StateJson>(`${url}/watch?revision=0&timeoutSeconds=300`);
    await waitFor(async () => (await watchers()) === 1, { message: 'the watcher to be parked' });
    const started = Date.now();
    await registry.close();
    const { status, body } = await watching;
    expect(status).toBe(200);
    expect(body.revision).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
    registry = await bootRegistry({ store: store.location }); // afterEach closes something
  });
});
