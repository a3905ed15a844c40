import { Logger } from '@nestjs/common';
import { resolveRegistryConfig } from '../config';
import { MemoryRegistryStore } from '../store/memory.store';
import { ManualClock } from '../testing.clock';
import { PerSecondMeter } from './per-second.meter';
import { SelfPreservation } from './self-preservation.service';

const config = resolveRegistryConfig({ selfPreservationMaxSeconds: 120 });
const STORE_CLOCK_OFFSET_MS = 2_500;

describe('SelfPreservation', () => {
  let clock: ManualClock;
  let store: MemoryRegistryStore;
  let service: SelfPreservation;
  let lines: string[];

  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryRegistryStore(clock);
    service = new SelfPreservation(store, config, clock);
    lines = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(`log ${String(message)}`));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void lines.push(`warn ${String(message)}`));
  });

  afterEach(() => jest.restoreAllMocks());

  /** A store shared with other replicas: it counts every renewal and eviction itself, on its own clock. */
  interface SharedCounts {
    renewals: PerSecondMeter;
    evictions: PerSecondMeter;
  }

  /**
   * What the sweeper does each second, with `ids` renewing on their phase (heartbeat 10 s, TTL 30 s).
   * With `shared`, the renewals reach another replica: only the store counts them.
   */
  async function run(seconds: number, ids: readonly number[], shared?: SharedCounts): Promise<void> {
    for (let tick = 0; tick < seconds; tick++) {
      const second = Math.floor(clock.now() / 1000);
      for (const id of ids) {
        if ((second - id) % 10 !== 0) continue;
        const { created } = await store.upsert({ id: `calc-${id}`, name: 'calc', host: 'h', port: id, protocol: 'http', tags: [], metadata: {}, weight: 1, ttlSeconds: 30 });
        if (created) continue;
        if (shared === undefined) service.renewed();
        else shared.renewals.record(clock.now() + STORE_CLOCK_OFFSET_MS);
      }
      if ((await service.mayExpire()).expire) {
        const expired = (await store.expire()).length;
        service.expired(expired);
        shared?.evictions.record(clock.now() + STORE_CLOCK_OFFSET_MS, expired);
      }
      clock.advance(1000);
    }
  }

  /** Gives the store `expiryHistory` over `shared` (as Redis keeps it: its own clock, here 2.5 s ahead); counts its reads. */
  function shareCounts(): SharedCounts & { reads: number } {
    const shared = { renewals: new PerSecondMeter(200), evictions: new PerSecondMeter(200), reads: 0 };
    const expiryHistory = async (seconds: number) => {
      shared.reads++;
      const now = clock.now() + STORE_CLOCK_OFFSET_MS;
      const first = Math.floor(now / 1000) - seconds + 1;
      const series = (meter: PerSecondMeter): number[] => Array.from({ length: seconds }, (_, i) => meter.count(first + i, first + i + 1));
      return { now, renewals: series(shared.renewals), evictions: series(shared.evictions) };
    };
    Object.defineProperty(store, 'expiryHistory', { value: expiryHistory });
    return shared;
  }

  const all = Array.from({ length: 40 }, (_, i) => i);
  const survivors = all.filter((i) => i % 4 === 0);

  it('logs once when it engages and once when it releases, however many sweeps it holds', async () => {
    await run(70, all);
    await run(90, survivors);
    expect(service.status()).toMatchObject({ supported: true, active: true, threshold: 0.15, held: expect.any(Number) });
    expect(lines).toEqual([expect.stringMatching(/^warn Self-preservation engaged: .* for at most 120s; deregistrations still apply$/)]);

    await run(15, all);
    expect(service.status()).toEqual({ supported: true, active: false, threshold: 0.15 });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^log Self-preservation released after \d+s: renewals recovered, 0 still due expire now$/);
  });

  it('logs the release after the maximum as a warning naming what expires', async () => {
    await run(70, all);
    await run(200, survivors);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^warn Self-preservation released after 120s without recovery: \d+ instances expire now; not engaging again for 60s$/);
    expect(await store.get('calc')).toHaveLength(survivors.length);
  });

  it('decides from the store\'s history on a shared store, though it heard no renewal itself, reading it once a sweep', async () => {
    const shared = shareCounts();
    service = new SelfPreservation(store, config, clock);
    await run(70, all, shared);
    expect(shared.reads).toBe(70);
    await run(90, survivors, shared);
    expect(service.status()).toMatchObject({ supported: true, active: true, held: expect.any(Number) });
    // At most the threshold's share (6 of 40) went before the hold.
    expect((await store.get('calc')).length).toBeGreaterThanOrEqual(all.length - Math.floor(0.15 * all.length));

    await run(15, all, shared);
    expect(service.status()).toEqual({ supported: true, active: false, threshold: 0.15 });
    expect(lines).toEqual([
      expect.stringMatching(/^warn Self-preservation engaged: /),
      expect.stringMatching(/^log Self-preservation released after \d+s: renewals recovered/),
    ]);
  });

  it('reports itself unsupported, and never holds, on a store without expiry pressure (etcd)', async () => {
    Object.defineProperty(store, 'expiryPressure', { value: undefined });
    service = new SelfPreservation(store, config, clock);
    await run(70, all);
    await run(60, survivors);
    expect(service.status()).toEqual({ supported: false, active: false, threshold: 0.15 });
    expect(await store.get('calc')).toHaveLength(survivors.length);
    expect(lines).toEqual([]);
  });
});
