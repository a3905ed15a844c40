import type { DeltaWatchAnswer, FullWatchAnswer, ServiceWatchAnswer } from '@nest-discovery/registry-api';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, ErrorJson, http, patchInstance, register, TestRegistry } from './registry.harness';

// Redis's change feed carries revisions only: its replicas answer full resyncs (see the README), so the
// delta behaviour is asserted on the stores that tell what changed.
describeStores('registry subscription watch (GET /watch/services)', (store) => {
  let registry: TestRegistry;
  let url: string;

  beforeEach(async () => {
    registry = await bootRegistry({ store: store.location });
    url = registry.url;
  });

  afterEach(() => registry.close());

  const watch = (query: string): Promise<{ status: number; body: ServiceWatchAnswer & ErrorJson }> =>
    http<ServiceWatchAnswer & ErrorJson>(`${url}/watch/services?${query}`);

  it('answers a first call at once with the full listing of each subscribed service', async () => {
    await register(url, calc({ id: 'calc-1' }));
    await register(url, calc({ id: 'orders-1', name: 'orders' }));
    const { status, body } = await watch('services=calc,users&timeoutSeconds=30');
    expect(status).toBe(200);
    const full = body as FullWatchAnswer;
    expect(full.full).toBe(true);
    expect(full.epoch).toMatch(/^[0-9a-f]+$/);
    expect(Object.keys(full.services)).toEqual(['calc', 'users']);
    expect(full.services.calc.map((instance) => instance.id)).toEqual(['calc-1']);
    expect(full.services.users).toEqual([]);
  });

  it('is woken by a change of a subscribed service with a delta, and not by others', async () => {
    await register(url, calc({ id: 'calc-1' }));
    const first = (await watch('services=calc')).body as FullWatchAnswer;
    const { body: orders } = await watch('services=orders');
    const parkedBefore = (await http<{ watchers: number }>(`${url}/health`)).body.watchers;
    let ordersAnswered = false;
    const ordersWatch = watch(`services=orders&revision=${orders.revision}&epoch=${orders.epoch}&timeoutSeconds=2`).then((answer) => {
      ordersAnswered = true;
      return answer;
    });
    const calcWatch = watch(`services=calc&revision=${first.revision}&epoch=${first.epoch}&timeoutSeconds=30`);
    await waitFor(async () => (await http<{ watchers: number }>(`${url}/health`)).body.watchers === parkedBefore + 2, { message: 'both watches parked' });
    const changedAt = Date.now();
    await register(url, calc({ id: 'calc-1', metadata: { v: '2' } }));
    await register(url, calc({ id: 'calc-2' }));
    const delta = (await calcWatch).body as DeltaWatchAnswer;
    // Woken by the change, not by its 30 s timeout.
    expect(Date.now() - changedAt).toBeLessThan(10_000);
    expect(delta.full).toBe(false);
    expect(delta.epoch).toBe(first.epoch);
    expect(delta.revision).toBeGreaterThan(first.revision);
    // The first registration may have woken the watcher alone; follow until both are seen.
    let changes = delta.changes.calc;
    let revision = delta.revision;
    while (changes.added.length === 0) {
      const next = (await watch(`services=calc&revision=${revision}&epoch=${first.epoch}&timeoutSeconds=5`)).body as DeltaWatchAnswer;
      revision = next.revision;
      changes = next.changes.calc;
    }
    expect(changes.added.map((instance) => instance.id)).toEqual(['calc-2']);
    expect(ordersAnswered).toBe(false);
    const timedOut = (await ordersWatch).body as DeltaWatchAnswer;
    expect(timedOut).toEqual({ revision: revision, epoch: first.epoch, full: false, changes: {} });
  });

  it('tells a drained instance as removed and an undrained one as added', async () => {
    await register(url, calc({ id: 'calc-1' }));
    const first = (await watch('services=calc')).body as FullWatchAnswer;
    await patchInstance(url, 'calc', 'calc-1', { enabled: false });
    const drained = (await watch(`services=calc&revision=${first.revision}&epoch=${first.epoch}`)).body as DeltaWatchAnswer;
    expect(drained.changes).toEqual({ calc: { added: [], updated: [], removed: ['calc-1'] } });
    await patchInstance(url, 'calc', 'calc-1', { enabled: true });
    const back = (await watch(`services=calc&revision=${drained.revision}&epoch=${first.epoch}`)).body as DeltaWatchAnswer;
    expect(back.changes.calc.added.map((instance) => instance.id)).toEqual(['calc-1']);
  });

  it('resynchronises fully for another epoch or a revision it does not know', async () => {
    await register(url, calc({ id: 'calc-1' }));
    const first = (await watch('services=calc')).body as FullWatchAnswer;
    expect((await watch(`services=calc&revision=${first.revision}&epoch=other&timeoutSeconds=30`)).body.full).toBe(true);
    expect((await watch(`services=calc&revision=99999&epoch=${first.epoch}&timeoutSeconds=30`)).body.full).toBe(true);
  });

  it.each([
    ['', 'services must be 1 to 100 comma-separated service names'],
    ['services=', 'services must be 1 to 100 comma-separated service names'],
    ['services=calc,,x', 'services: "" is not a service name'],
    ['services=calc,bad%20name', 'services: "bad name" is not a service name'],
    [`services=${Array.from({ length: 101 }, (_, i) => `s${i}`).join(',')}`, 'services must name at most 100 services'],
    ['services=calc&revision=-1', 'revision must be a non-negative integer'],
    ['services=calc&revision=abc', 'revision must be a non-negative integer'],
    ['services=calc&epoch=a%20b', 'epoch must be 1 to 64 letters, digits, - or _'],
    ['services=calc&timeoutSeconds=301', 'timeoutSeconds'],
    ['services=calc&other=1', 'other'],
  ])('rejects %s with a 400 naming the field', async (query, message) => {
    const { status, body } = await watch(query);
    expect(status).toBe(400);
    expect(body.message).toContain(message);
  });

  if (store.kind !== 'memory') {
    it('serves deltas on every replica, of changes made through another', async () => {
      const prefix = uniquePrefix();
      const a = await bootRegistry({ store: store.location, storePrefix: prefix });
      const b = await bootRegistry({ store: store.location, storePrefix: prefix });
      try {
        await register(a.url, calc({ id: 'calc-1' }));
        // Replica b learns a's write from the store's feed, a moment later.
        const first = await waitFor(
          async () => {
            const answer = (await http<FullWatchAnswer>(`${b.url}/watch/services?services=calc`)).body;
            return answer.services.calc?.length === 1 ? answer : undefined;
          },
          { message: 'replica b listing calc-1' },
        );
        expect(first.services.calc.map((instance) => instance.id)).toEqual(['calc-1']);
        const watching = http<DeltaWatchAnswer>(`${b.url}/watch/services?services=calc&revision=${first.revision}&epoch=${first.epoch}&timeoutSeconds=30`);
        await waitFor(async () => (await http<{ watchers: number }>(`${b.url}/health`)).body.watchers === 1, { message: 'the watch parked on b' });
        await register(a.url, calc({ id: 'calc-2' }));
        const delta = (await watching).body;
        expect(delta.full).toBe(false);
        expect(delta.changes.calc.added.map((instance) => instance.id)).toEqual(['calc-2']);
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});
