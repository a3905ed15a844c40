import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { resolveRegistryConfig } from '../../../apps/registry/src/config';
import { createRegistryApp, registryUrl } from '../../../apps/registry/src/registry.app';
import { REGISTRY_STORE } from '../../../apps/registry/src/registry.constants';
import { SelfPreservationStatus } from '../../../apps/registry/src/self-preservation/self-preservation.service';
import { ExpirySweeper } from '../../../apps/registry/src/store/expiry.sweeper';
import { RegistryStore } from '../../../apps/registry/src/store/registry-store.interface';
import { ManualClock } from '../../../apps/registry/src/testing.clock';
import { describeStores, StoreUnderTest, uniquePrefix } from '../helpers/stores';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, http, InstanceJson, register, StateJson, TestRegistry } from './registry.harness';

const FLEET = 40;
const HEARTBEAT_SECONDS = 10;
const TTL_SECONDS = 30;
const THRESHOLD = 0.15;
const MAX_SECONDS = 120;
const HEADER = 'registry-self-preservation';

interface HealthJson {
  selfPreservation: SelfPreservationStatus;
}

/**
 * Mass expiry of a simulated partition on a fake clock. An in-process registry on the memory store;
 * 40 instances renew over real HTTP every 10 (fake) seconds with a 30 s TTL, each on its own phase.
 * The test drives time itself: each fake second, the instances due renew, then one expiry sweep runs
 * (the sweeper's own timer is set to an hour, so only the test sweeps), then the clock moves on.
 *
 * Redis runs below, differently: its deadlines follow Redis's own clock (TIME), which a fake clock
 * cannot move.
 */
describe('self-preservation [memory]', () => {
  jest.setTimeout(60_000);
  let app: NestFastifyApplication;
  let url: string;
  let clock: ManualClock;
  let sweeper: ExpirySweeper;
  /** Ids renewing right now; the rest are cut off. */
  let renewing: Set<string>;
  const ids = Array.from({ length: FLEET }, (_, i) => `calc-${i}`);
  const phase = (id: string): number => Number(id.slice('calc-'.length)) % HEARTBEAT_SECONDS;
  // Cut off 30 of 40; the 10 that keep renewing are spread over five of the ten phases.
  const cut = ids.filter((_, i) => i % 4 !== 0);
  const survivors = ids.filter((_, i) => i % 4 === 0);

  beforeEach(async () => {
    clock = new ManualClock();
    const config = resolveRegistryConfig({
      host: '127.0.0.1',
      port: 0,
      dataDir: tmpDir('registry-self-preservation-'),
      sweepIntervalMs: 3_600_000,
      selfPreservationThreshold: THRESHOLD,
      selfPreservationMaxSeconds: MAX_SECONDS,
    });
    app = await createRegistryApp(config, { logger: false, clock });
    url = registryUrl(app);
    sweeper = app.get(ExpirySweeper);
    renewing = new Set(ids);
    for (const id of ids) expect((await register(url, instance(id))).status).toBe(201);
    // A window (60 s) of steady renewals and a heartbeat more: the baseline the drop is measured against.
    await run(70);
    expect(await registeredIds()).toHaveLength(FLEET);
  });

  afterEach(() => app.close());

  function instance(id: string): Record<string, unknown> {
    return calc({ id, port: 8000 + Number(id.slice('calc-'.length)), ttlSeconds: TTL_SECONDS });
  }

  /** `seconds` fake seconds, stopping early once `until` holds; resolves with the seconds run. */
  async function run(seconds: number, until?: () => Promise<boolean>): Promise<number> {
    for (let tick = 0; tick < seconds; tick++) {
      if (until !== undefined && (await until())) return tick;
      const second = Math.floor(clock.now() / 1000);
      const due = [...renewing].filter((id) => (second - phase(id)) % HEARTBEAT_SECONDS === 0);
      const answers = await Promise.all(due.map((id) => register(url, instance(id))));
      for (const { status } of answers) expect([200, 201]).toContain(status);
      await sweeper.sweep();
      clock.advance(1000);
    }
    return seconds;
  }

  async function health(): Promise<SelfPreservationStatus> {
    const { status, body } = await http<HealthJson>(`${url}/health`);
    expect(status).toBe(200);
    return body.selfPreservation;
  }

  const active = async (): Promise<boolean> => (await health()).active;

  async function instances(): Promise<InstanceJson[]> {
    return (await http<InstanceJson[]>(`${url}/service/calc?status=all`)).body;
  }

  async function registeredIds(): Promise<string[]> {
    return (await instances()).map((entry) => entry.id).sort();
  }

  /** Cuts 30 instances off and runs until the hold engages; resolves with the ids expired before it. */
  async function partitionUntilHeld(): Promise<string[]> {
    expect(await health()).toEqual({ supported: true, active: false, threshold: THRESHOLD });
    for (const id of cut) renewing.delete(id);
    await run(TTL_SECONDS + HEARTBEAT_SECONDS, active);
    const status = await health();
    expect(status).toEqual({ supported: true, active: true, since: expect.any(String), held: expect.any(Number), threshold: THRESHOLD });
    const present = new Set(await registeredIds());
    const expired = ids.filter((id) => !present.has(id));
    // At most the threshold's share went before the hold; only cut-off instances went.
    expect(expired.length).toBeLessThanOrEqual(Math.floor(THRESHOLD * FLEET));
    for (const id of expired) expect(cut).toContain(id);
    // Held: those due so far; the other cut-off instances fall due over the next heartbeat.
    expect(status.held).toBeGreaterThan(0);
    return expired;
  }

  it('holds expiry during a partition, reports it, still deregisters, and releases when renewals come back', async () => {
    const expiredBeforeHold = await partitionUntilHeld();
    const held = cut.filter((id) => !expiredBeforeHold.includes(id));
    const registeredAtBefore = new Map((await instances()).map((entry) => [entry.id, entry.registeredAt]));

    // A minute more of the partition: every cut-off instance is long past its TTL, and none goes.
    await run(60);
    expect(await registeredIds()).toEqual([...survivors, ...held].sort());
    expect(await health()).toMatchObject({ active: true, held: held.length });

    // The API says so on every read answer.
    expect((await http(`${url}/service/calc`)).headers.get(HEADER)).toBe('active');
    expect((await http(`${url}/services`)).headers.get(HEADER)).toBe('active');
    expect((await http(`${url}/watch`)).headers.get(HEADER)).toBe('active');
    expect((await http(`${url}/health`)).headers.get(HEADER)).toBeNull();

    // An explicit deregistration still removes its instance, and wakes a parked watch (with the header).
    const revision = (await http<StateJson>(`${url}/services`)).body.revision;
    const watch = http<StateJson>(`${url}/watch?revision=${revision}&timeoutSeconds=10`);
    const leaving = held[0];
    expect((await http(`${url}/service/calc/${leaving}`, { method: 'DELETE' })).status).toBe(204);
    const woken = await watch;
    expect(woken.headers.get(HEADER)).toBe('active');
    expect(woken.body.services.calc.map((entry) => entry.id)).not.toContain(leaving);
    renewing.delete(leaving);

    // The partition heals: the held instances renew (200), the ones expired before register again (201).
    for (const id of cut) if (id !== leaving) renewing.add(id);
    const seconds = await run(HEARTBEAT_SECONDS + 2, async () => !(await active()));
    expect(seconds).toBeLessThanOrEqual(HEARTBEAT_SECONDS + 1);
    expect(await health()).toEqual({ supported: true, active: false, threshold: THRESHOLD });
    expect((await http(`${url}/service/calc`)).headers.get(HEADER)).toBeNull();

    // Nothing held was expired: every held instance is the same registration as before the heal.
    await run(60);
    const after = await instances();
    expect(after.map((entry) => entry.id).sort()).toEqual(ids.filter((id) => id !== leaving).sort());
    for (const id of held.filter((other) => other !== leaving)) {
      expect(after.find((entry) => entry.id === id)?.registeredAt).toBe(registeredAtBefore.get(id));
    }
  });

  it('releases after REGISTRY_SELF_PRESERVATION_MAX_SECONDS when renewals do not come back, expiring the rest', async () => {
    await partitionUntilHeld();
    const engagedAt = clock.now();
    const seconds = await run(MAX_SECONDS + 5, async () => !(await active()));
    expect(seconds).toBeGreaterThanOrEqual(MAX_SECONDS);
    expect(seconds).toBeLessThanOrEqual(MAX_SECONDS + 1);
    expect(clock.now() - engagedAt).toBeLessThanOrEqual((MAX_SECONDS + 1) * 1000);
    expect(await registeredIds()).toEqual([...survivors].sort());
    expect(await health()).toEqual({ supported: true, active: false, threshold: THRESHOLD });
    expect((await http(`${url}/services`)).headers.get(HEADER)).toBeNull();

    // No flapping: half the survivors stopping within the next window is expired, not held.
    for (const id of survivors.slice(0, 5)) renewing.delete(id);
    await run(TTL_SECONDS + HEARTBEAT_SECONDS);
    expect(await active()).toBe(false);
    expect(await registeredIds()).toEqual(survivors.slice(5).sort());
  });
});

/**
 * The hold on Redis, shared by two registry replicas — where a replica's own count of renewals says
 * nothing: clients renew with their first registry URL, here all with replica A. B must hold as A does,
 * or its sweep evicts what A holds. Both replicas sweep (by hand, at once, as their timers would).
 *
 * Redis counts renewals and evictions and runs the deadlines on its own clock (TIME), which a fake clock
 * cannot move, so instances really renew once a second with a 3 s TTL. The renewal history the drop is
 * measured against needs two minutes; rather than wait them, the test writes the seconds before it
 * began as the fleet would have left them (40 renewals a second, the rate it then really keeps). The
 * seconds the decision turns on — around the partition — hold real renewals through A only. The
 * replicas' fake clocks time the hold itself (since, maximum hold).
 */
describeStores(
  'self-preservation with two replicas',
  (store: StoreUnderTest) => {
    jest.setTimeout(60_000);
    const ids = Array.from({ length: FLEET }, (_, i) => `calc-${i}`);
    const cut = ids.filter((_, i) => i % 4 !== 0);
    const survivors = ids.filter((_, i) => i % 4 === 0);
    const instance = (id: string): Record<string, unknown> => calc({ id, port: 8000 + Number(id.slice(5)), ttlSeconds: 3 });
    let redis: Redis;
    let storePrefix: string;
    let a: Replica;
    let b: Replica;
    let heartbeats: Heartbeats | undefined;

    interface Replica {
      app: NestFastifyApplication;
      url: string;
      clock: ManualClock;
      sweeper: ExpirySweeper;
      store: RegistryStore;
    }

    async function bootReplica(): Promise<Replica> {
      const clock = new ManualClock();
      const config = resolveRegistryConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir: tmpDir('registry-self-preservation-'),
        sweepIntervalMs: 3_600_000,
        store: store.location,
        storePrefix,
        selfPreservationMaxSeconds: MAX_SECONDS,
      });
      const app = await createRegistryApp(config, { logger: false, clock });
      return { app, url: registryUrl(app), clock, sweeper: app.get(ExpirySweeper), store: app.get<RegistryStore>(REGISTRY_STORE) };
    }

    beforeEach(async () => {
      storePrefix = uniquePrefix();
      redis = new Redis((store.location as { url: string }).url);
      [a, b] = await Promise.all([bootReplica(), bootReplica()]);
    });

    afterEach(async () => {
      heartbeats?.stop();
      heartbeats = undefined;
      await Promise.all([a.app.close(), b.app.close()]);
      redis.disconnect();
    });

    /** Both replicas sweep at once, as their timers do. */
    async function sweepBoth(): Promise<void> {
      await Promise.all([a.sweeper.sweep(), b.sweeper.sweep()]);
    }

    async function health(replica: Replica): Promise<SelfPreservationStatus> {
      return (await http<HealthJson>(`${replica.url}/health`)).body.selfPreservation;
    }

    async function listed(replica: Replica): Promise<InstanceJson[]> {
      return (await http<InstanceJson[]>(`${replica.url}/service/calc?status=all`)).body;
    }

    /** Sweeps both replicas until `condition` holds. */
    async function sweepUntil(condition: () => Promise<boolean>, message: string): Promise<void> {
      await waitFor(
        async () => {
          await sweepBoth();
          return condition();
        },
        { timeoutMs: 15_000, intervalMs: 100, message },
      );
    }

    /** Renewals per second as the replicas count them, for the 130 s before Redis's current second. */
    async function seedHistory(perSecond: number): Promise<void> {
      const [now] = await redis.time();
      const writes = redis.multi();
      for (let second = Number(now) - 130; second < Number(now); second++) writes.set(`${storePrefix}:renewals:${second}`, perSecond, 'EX', 180);
      await writes.exec();
    }

    /** Registers the fleet through A, then keeps renewing it there, every instance once a second. */
    async function startFleet(): Promise<Heartbeats> {
      for (const id of ids) expect((await register(a.url, instance(id))).status).toBe(201);
      const fleet = new Heartbeats(a.url, ids, instance);
      heartbeats = fleet;
      // A steady fleet: both replicas sweep, nothing is due, nothing held.
      await sweepUntil(async () => fleet.beats >= 3, 'three heartbeats');
      return fleet;
    }

    /**
     * Cuts 30 instances off and sweeps until B holds (and A with it), then until every cut-off instance is
     * due; resolves with the ids expired before the hold.
     */
    async function partitionUntilHeld(fleet: Heartbeats): Promise<string[]> {
      expect(await health(b)).toEqual({ supported: true, active: false, threshold: THRESHOLD });
      expect(await listed(b)).toHaveLength(FLEET);
      fleet.stopRenewing(cut);
      await sweepUntil(async () => (await health(b)).active, 'replica B to hold');
      const present = new Set((await listed(b)).map((entry) => entry.id));
      const expired = ids.filter((id) => !present.has(id));
      // Between them, the two replicas let at most the threshold's share go, and only cut-off instances.
      expect(expired.length).toBeLessThanOrEqual(Math.floor(THRESHOLD * FLEET));
      for (const id of expired) expect(cut).toContain(id);
      await sweepUntil(async () => (await health(b)).held === cut.length - expired.length, 'every cut-off instance to be due');
      expect(await health(a)).toMatchObject({ supported: true, active: true });
      return expired;
    }

    it('counts on Redis every renewal and eviction, whichever replica made it, and both read the same history', async () => {
      const short = calc({ id: 'short', port: 9000, ttlSeconds: 1 });
      expect((await register(a.url, instance('calc-0'))).status).toBe(201);
      expect((await register(b.url, short)).status).toBe(201);
      // Registrations are not renewals: 4 renewals through A, 2 through B.
      for (let i = 0; i < 4; i++) expect((await register(a.url, instance('calc-0'))).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await register(b.url, instance('calc-0'))).status).toBe(200);
      const sum = (counts: number[]): number => counts.reduce((total, count) => total + count, 0);
      const [onA, onB] = await Promise.all([a.store.expiryHistory!(30), b.store.expiryHistory!(30)]);
      expect(onA.renewals).toHaveLength(30);
      expect(sum(onA.renewals)).toBe(6);
      expect(sum(onB.renewals)).toBe(6);
      // Redis's clock, not the replicas' fake one.
      expect(Math.abs(onB.now - Date.now())).toBeLessThan(5_000);

      await sweepUntil(async () => (await listed(b)).every((entry) => entry.id !== 'short'), 'the short-lived instance to be evicted');
      const after = await b.store.expiryHistory!(30);
      expect(sum(after.evictions)).toBe(1);
      expect(sum(after.renewals)).toBe(6);
    });

    it('keeps a sweep to the instant the expiry pressure was counted at', async () => {
      expect((await register(a.url, calc({ id: 'short', port: 9000, ttlSeconds: 1 }))).status).toBe(201);
      const before = await a.store.expiryPressure!();
      expect(before).toMatchObject({ due: 0, registered: 1, at: expect.any(Number) });
      await waitFor(async () => (await b.store.expiryPressure!()).due === 1, { message: 'the instance to fall due' });
      // Due now, but not when `before` was counted: a sweep allowed on `before` leaves it.
      expect(await b.store.expire(before.at)).toEqual([]);
      expect((await b.store.expire()).map((entry) => entry.id)).toEqual(['short']);
    });

    it('holds on the replica that hears no renewal too, still deregisters, and both release when renewals come back', async () => {
      await seedHistory(FLEET);
      const fleet = await startFleet();
      const expired = await partitionUntilHeld(fleet);
      const held = cut.filter((id) => !expired.includes(id));
      const registeredAtBefore = new Map((await listed(b)).map((entry) => [entry.id, entry.registeredAt]));

      // Every cut-off instance is past its TTL as Redis counts it, and neither replica's sweeps remove one.
      for (let sweep = 0; sweep < 5; sweep++) await sweepBoth();
      expect((await listed(a)).map((entry) => entry.id).sort()).toEqual([...survivors, ...held].sort());
      expect(await health(b)).toMatchObject({ active: true, held: held.length });
      expect((await http(`${b.url}/services`)).headers.get(HEADER)).toBe('active');

      // An explicit deregistration through B still removes its instance.
      const leaving = held[0];
      expect((await http(`${b.url}/service/calc/${leaving}`, { method: 'DELETE' })).status).toBe(204);
      expect((await listed(a)).map((entry) => entry.id)).not.toContain(leaving);

      // The partition heals: held instances renew (200), those expired before register again (201).
      fleet.resumeRenewing(cut.filter((id) => id !== leaving));
      await sweepUntil(async () => !(await health(a)).active && !(await health(b)).active, 'both replicas to release');
      expect(await health(b)).toEqual({ supported: true, active: false, threshold: THRESHOLD });
      expect((await http(`${b.url}/services`)).headers.get(HEADER)).toBeNull();
      await sweepUntil(async () => (await listed(b)).length === FLEET - 1, 'the instances expired before the hold to register again');
      const after = await listed(b);
      for (const id of held.filter((other) => other !== leaving)) {
        expect(after.find((entry) => entry.id === id)?.registeredAt).toBe(registeredAtBefore.get(id));
      }
      expect(fleet.failures).toEqual([]);
    });

    it('releases on both after the maximum hold, and the held instances expire then', async () => {
      await seedHistory(FLEET);
      const fleet = await startFleet();
      await partitionUntilHeld(fleet);
      await sweepUntil(async () => {
        for (const replica of [a, b]) replica.clock.advance(5_000);
        return !(await health(a)).active && !(await health(b)).active;
      }, 'the holds to end');
      expect(a.clock.now() - Date.parse('2025-01-01T00:00:00.000Z')).toBeGreaterThanOrEqual(MAX_SECONDS * 1000);
      await sweepUntil(async () => (await listed(b)).length === survivors.length, 'the held instances to expire');
      expect((await listed(a)).map((entry) => entry.id).sort()).toEqual([...survivors].sort());
      expect(fleet.failures).toEqual([]);
    });
  },
  ['redis'],
);

/**
 * Clients renewing through one registry URL, every instance once a second (a 1 s heartbeat), on a
 * timer as the discovery library renews; the test decides who renews. Answers other than 200/201 are
 * kept for the test to check (a failed expectation inside a timer would fail nothing).
 */
class Heartbeats {
  beats = 0;
  readonly failures: string[] = [];
  private readonly renewing: Set<string>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    ids: readonly string[],
    private readonly body: (id: string) => Record<string, unknown>,
  ) {
    this.renewing = new Set(ids);
    this.timer = setInterval(() => void this.beat(), 1000);
    this.timer.unref();
    void this.beat();
  }

  stopRenewing(ids: readonly string[]): void {
    for (const id of ids) this.renewing.delete(id);
  }

  resumeRenewing(ids: readonly string[]): void {
    for (const id of ids) this.renewing.add(id);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    const answers = await Promise.all(
      [...this.renewing].map((id) => register(this.url, this.body(id)).then(({ status }) => ({ id, status }), (error: Error) => ({ id, status: error.message }))),
    );
    for (const { id, status } of answers) if (status !== 200 && status !== 201) this.failures.push(`${id}: ${status}`);
    this.beats++;
  }
}

describeStores(
  'self-preservation',
  (store: StoreUnderTest) => {
    let registry: TestRegistry;

    beforeEach(async () => {
      registry = await bootRegistry({ store: store.location });
    });

    afterEach(() => registry.close());

    it('is reported unsupported in /health: etcd expires leases itself', async () => {
      const { body } = await http<HealthJson>(`${registry.url}/health`);
      expect(body.selfPreservation).toEqual({ supported: false, active: false, threshold: THRESHOLD });
    });
  },
  ['etcd'],
);
