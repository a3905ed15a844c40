import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { RegistryInstance } from '../../../apps/registry/src/registry/instance.entity';
import { RegistryStore } from '../../../apps/registry/src/store/registry-store.interface';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { registration, storeOpener } from './store-harness';

jest.setTimeout(30_000);
// The stores log their connections; nothing here is worth a line.
beforeAll(() => Logger.overrideLogger(false));

/**
 * What the registry decides about instances — health, an operator's overrides, the checks' leader, the
 * expiry pressure — through the store interface itself, with no registry around it (so no sweeper or
 * checker interferes). On Redis and etcd, "another replica" is a second store on the same prefix.
 */
describeStores('store health and operator controls', (kind) => {
  const stores = storeOpener(kind);
  let prefix: string;
  const open = (storePrefix = prefix): Promise<RegistryStore> => stores.open(storePrefix);
  const instance = async (store: RegistryStore, id = 'calc-1'): Promise<RegistryInstance | undefined> =>
    (await store.get('calc')).find((candidate) => candidate.id === id);
  const remote = kind.kind !== 'memory';

  beforeEach(() => {
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await stores.closeAll();
  });

  it('a status change bumps the revision and is heard on every replica; a new output alone is stored without one', async () => {
    const a = await open();
    const b = remote ? await open() : a;
    const { revision } = await a.upsert(registration({ check: undefined }));
    const heard: number[] = [];
    b.onChange((next) => heard.push(next));

    const critical = await a.setHealth('calc', 'calc-1', { status: 'critical', output: 'connect ECONNREFUSED' });
    expect(critical).toMatchObject({ status: 'critical', checkOutput: 'connect ECONNREFUSED', statusSince: expect.any(String) });
    const bumped = await a.revision();
    expect(bumped).toBeGreaterThan(revision);
    await waitFor(() => heard.includes(bumped), { message: 'the other replica to hear the status change' });
    expect(await instance(b)).toMatchObject({ status: 'critical', checkOutput: 'connect ECONNREFUSED' });

    const again = await a.setHealth('calc', 'calc-1', { status: 'critical', output: 'connect ETIMEDOUT' });
    expect(again).toMatchObject({ status: 'critical', checkOutput: 'connect ETIMEDOUT', statusSince: critical?.statusSince });
    expect(await a.revision()).toBe(bumped);
    await waitFor(async () => (await instance(b))?.checkOutput === 'connect ETIMEDOUT', { message: 'B to read the new output' });
    expect(await b.revision()).toBe(bumped);

    const back = await b.setHealth('calc', 'calc-1', { status: 'passing', output: 'HTTP 200' });
    expect(back).toMatchObject({ status: 'passing', checkOutput: 'HTTP 200' });
    // etcd replicas read from their watched mirror, which trails another replica's write by milliseconds.
    await waitFor(async () => (await a.revision()) > bumped, { message: 'A to see the revision B bumped' });
  });

  it('counts for admission (census) without reading instances: registered or not, per service and services, on every replica', async () => {
    const a = await open();
    const b = remote ? await open() : a;
    expect(await a.census('calc', 'calc-1')).toEqual({ registered: false, instances: 0, services: 0 });
    await a.upsert(registration({ id: 'calc-1', check: undefined }));
    await a.upsert(registration({ id: 'calc-2', port: 3202, check: undefined }));
    await a.upsert(registration({ id: 'web-1', name: 'web', check: undefined }));
    expect(await a.census('calc', 'calc-1')).toEqual({ registered: true, instances: 2, services: 2 });
    // Another service's id is not registered under this name; no id is never registered.
    expect(await a.census('calc', 'web-1')).toEqual({ registered: false, instances: 2, services: 2 });
    expect(await a.census('calc', undefined)).toEqual({ registered: false, instances: 2, services: 2 });
    expect(await a.census('api', 'api-1')).toEqual({ registered: false, instances: 0, services: 2 });
    await waitFor(async () => (await b.census('web', 'web-1')).registered, { message: 'the other replica to count web-1' });
    await a.deregister('web', 'web-1');
    await waitFor(async () => JSON.stringify(await b.census('web', 'web-1')) === JSON.stringify({ registered: false, instances: 0, services: 1 }), {
      message: 'the other replica to count the deregistration',
    });
  });

  it("holds named endpoints and each endpoint's health apart from the instance's, heard on every replica", async () => {
    const a = await open();
    const b = remote ? await open() : a;
    const grpcCheck = { type: 'grpc' as const, service: '', intervalSeconds: 10, timeoutSeconds: 2, failuresBeforeCritical: 3, successesBeforePassing: 2, deregisterCriticalAfterSeconds: 60 };
    const endpoints = { grpc: { port: 50051, protocol: 'grpc' as const, check: grpcCheck } };
    const { instance: registered, revision } = await a.upsert(registration({ endpoints }));
    expect(registered).toMatchObject({ id: 'calc-1', port: 8080, endpoints });
    expect(registered.endpointHealth).toBeUndefined();

    const critical = await a.setHealth('calc', 'calc-1', { status: 'critical', output: 'gRPC UNAVAILABLE', endpoint: 'grpc' });
    expect(critical).toMatchObject({
      status: 'passing',
      endpoints,
      endpointHealth: { grpc: { status: 'critical', checkOutput: 'gRPC UNAVAILABLE', statusSince: expect.any(String) } },
    });
    const bumped = await a.revision();
    expect(bumped).toBeGreaterThan(revision);
    await waitFor(async () => (await instance(b))?.endpointHealth?.grpc?.status === 'critical', { message: 'B to read the endpoint critical' });
    expect(await instance(b)).toMatchObject({ status: 'passing', endpoints });

    // A new output alone: stored, no revision. A plain renewal keeps the endpoint's health.
    await a.setHealth('calc', 'calc-1', { status: 'critical', output: 'gRPC DEADLINE', endpoint: 'grpc' });
    expect(await a.revision()).toBe(bumped);
    // etcd serves reads from its watched mirror, which applies even its own quiet write a moment later.
    await waitFor(async () => (await instance(a))?.endpointHealth?.grpc?.checkOutput === 'gRPC DEADLINE', { message: 'the new output' });
    const renewal = await a.upsert(registration({ endpoints }));
    expect(renewal).toMatchObject({ created: false, changed: false, revision: bumped });
    expect(renewal.instance.endpointHealth).toMatchObject({ grpc: { status: 'critical', checkOutput: 'gRPC DEADLINE' } });

    // A moved endpoint is a changed registration; the instance's own check result is independent.
    const moved = await a.upsert(registration({ endpoints: { grpc: { ...endpoints.grpc, port: 50052 } } }));
    expect(moved).toMatchObject({ changed: true, instance: { endpoints: { grpc: { port: 50052 } } } });
    const back = await b.setHealth('calc', 'calc-1', { status: 'passing', output: 'gRPC SERVING', endpoint: 'grpc' });
    expect(back?.endpointHealth?.grpc).toMatchObject({ status: 'passing', checkOutput: 'gRPC SERVING' });
    expect(back?.status).toBe('passing');
  });

  it('keeps health and overrides across renewals; a plain renewal bumps nothing, a changed one keeps them too', async () => {
    const store = await open();
    await store.upsert(registration());
    await store.setHealth('calc', 'calc-1', { status: 'critical', output: 'HTTP 503' });
    const patched = await store.patch('calc', 'calc-1', { enabled: false, weight: 9 });
    expect(patched).toMatchObject({ enabled: false, weight: 9, overrides: { enabled: false, weight: 9 }, status: 'critical' });
    const before = await store.revision();

    const renewal = await store.upsert(registration());
    expect(renewal).toMatchObject({ created: false, changed: false, revision: before });
    const kept = { status: 'critical', checkOutput: 'HTTP 503', statusSince: patched?.statusSince, enabled: false, weight: 9 };
    expect(renewal.instance).toMatchObject(kept);
    expect(await instance(store)).toMatchObject(kept);

    const changed = await store.upsert(registration({ weight: 3, tags: ['v2'] }));
    expect(changed).toMatchObject({ created: false, changed: true });
    expect(changed.instance).toMatchObject({ ...kept, tags: ['v2'] });

    // Lifting the weight override restores the weight the instance now registers with.
    expect(await store.patch('calc', 'calc-1', { weight: null })).toMatchObject({ weight: 3, overrides: { enabled: false } });
  });

  it('answers undefined for an instance that is gone or under another name, and never re-creates it', async () => {
    const store = await open();
    await store.upsert(registration());
    const before = await store.revision();
    expect(await store.patch('calc', 'nope', { enabled: false })).toBeUndefined();
    expect(await store.patch('orders', 'calc-1', { enabled: false })).toBeUndefined();
    expect(await store.setHealth('calc', 'nope', { status: 'critical', output: 'x' })).toBeUndefined();
    expect(await store.setHealth('orders', 'calc-1', { status: 'critical', output: 'x' })).toBeUndefined();
    expect(await store.revision()).toBe(before);

    expect(await store.deregister('calc', 'calc-1')).toBe(true);
    expect(await store.setHealth('calc', 'calc-1', { status: 'critical', output: 'x' })).toBeUndefined();
    expect(await store.patch('calc', 'calc-1', { enabled: false })).toBeUndefined();
    expect(await store.get('calc')).toEqual([]);
    expect((await store.all()).services).toEqual({});
  });

  it('starts a new registration of an old id from the defaults, whatever the old one was told', async () => {
    const store = await open();
    await store.upsert(registration());
    await store.patch('calc', 'calc-1', { enabled: false, weight: 9 });
    await store.setHealth('calc', 'calc-1', { status: 'critical', output: 'HTTP 503' });
    await store.deregister('calc', 'calc-1');

    const fresh = await store.upsert(registration());
    expect(fresh.created).toBe(true);
    expect(fresh.instance).toMatchObject({ status: 'passing', enabled: true, weight: 2 });
    for (const field of ['overrides', 'statusSince', 'checkOutput']) expect(fresh.instance).not.toHaveProperty(field);
    expect(await instance(store)).toEqual(fresh.instance);
  });

  it('loses no update when two replicas change the same instance at once', async () => {
    const a = await open();
    const b = remote ? await open() : a;
    await a.upsert(registration());
    for (let round = 1; round <= 15; round++) {
      const status = round % 2 === 0 ? 'passing' : 'critical';
      await Promise.all([
        a.patch('calc', 'calc-1', { weight: round }),
        b.setHealth('calc', 'calc-1', { status, output: `probe ${round}` }),
        b.patch('calc', 'calc-1', { enabled: round % 3 !== 0 }),
        a.upsert(registration()),
      ]);
      // etcd replicas read a watched mirror: B's last write reaches A a moment after B's call returned.
      // A lost update never arrives, so this still fails on one.
      await waitFor(
        async () => {
          expect(await instance(a)).toMatchObject({
            weight: round,
            status,
            checkOutput: `probe ${round}`,
            enabled: round % 3 !== 0,
          });
          return true;
        },
        { timeoutMs: 2000, message: `round ${round} to show every write on replica A` },
      );
    }
  });

  it('gives the checks to one replica at a time, and to another once the holder stops renewing', async () => {
    const a = await open();
    expect(await a.claimCheckLeadership('replica-a', 400)).toBe(true);
    expect(await a.claimCheckLeadership('replica-a', 400)).toBe(true);
    if (!remote) return; // one registry: always its own leader
    const b = await open();
    expect(await b.claimCheckLeadership('replica-b', 400)).toBe(false);
    // Renewing pushes the lease out: B stays out for twice the TTL while A keeps renewing…
    const renewedUntil = Date.now() + 800;
    while (Date.now() < renewedUntil) {
      expect(await a.claimCheckLeadership('replica-a', 400)).toBe(true);
      expect(await b.claimCheckLeadership('replica-b', 400)).toBe(false);
    }
    // …and takes over soon after A stops (the TTL plus a margin for a loaded machine).
    const stopped = Date.now();
    await waitFor(() => b.claimCheckLeadership('replica-b', 400), { timeoutMs: 5000, message: 'B to take over' });
    expect(Date.now() - stopped).toBeLessThan(3000);
    expect(await a.claimCheckLeadership('replica-a', 400)).toBe(false);
    // Another prefix is another registry, with a leader of its own.
    expect(await (await open(uniquePrefix())).claimCheckLeadership('replica-a', 400)).toBe(true);
  });

  it('counts instances past their TTL for self-preservation, until a sweep evicts them', async () => {
    const store = await open();
    if (store.expiryPressure === undefined) return; // etcd expires leases itself
    await store.upsert(registration({ id: 'short-1', ttlSeconds: 1 }));
    await store.upsert(registration({ id: 'short-2', ttlSeconds: 1 }));
    await store.upsert(registration({ id: 'long', ttlSeconds: 60 }));
    expect(await store.expiryPressure()).toMatchObject({ due: 0, registered: 3 });
    await waitFor(async () => (await store.expiryPressure!()).due === 2, { message: 'both short TTLs to run out' });
    // Held back (no sweep yet): still listed, still patchable.
    expect((await store.get('calc')).map((entry) => entry.id).sort()).toEqual(['long', 'short-1', 'short-2']);
    expect(await store.patch('calc', 'short-1', { enabled: false })).toMatchObject({ enabled: false });
    expect((await store.expire()).map((entry) => entry.id).sort()).toEqual(['short-1', 'short-2']);
    expect(await store.expiryPressure()).toMatchObject({ due: 0, registered: 1 });
  });
});

describeStores(
  'redis store key layout',
  (kind) => {
    const stores = storeOpener(kind);
    afterEach(() => stores.closeAll());

    it('keeps an instance key past its TTL for the longest self-preservation hold plus a grace', async () => {
      const prefix = uniquePrefix();
      const store = await stores.open(prefix);
      const redis = new Redis(kind.env);
      try {
        await store.upsert(registration({ ttlSeconds: 1 }));
        await store.setHealth('calc', 'calc-1', { status: 'critical', output: 'HTTP 503' });
        // TTL 1 s + 300 s of hold (the default maximum) + 60 s of grace.
        expect(await redis.pttl(`${prefix}:instance:calc-1`)).toBeGreaterThan(360_000);
        expect(await redis.hkeys(`${prefix}:control:calc`)).toEqual(['calc-1']);
        await store.deregister('calc', 'calc-1');
        expect(await redis.keys(`${prefix}:*`)).toEqual([`${prefix}:revision`]);
      } finally {
        redis.disconnect();
      }
    });
  },
  ['redis'],
);
