import { ExpiryHistory } from '../store/registry-store.interface';
import { PerSecondMeter } from './per-second.meter';
import { SelfPreservationChange, SelfPreservationPolicy, SelfPreservationSettings } from './self-preservation.policy';

const SETTINGS: SelfPreservationSettings = { threshold: 0.15, minInstances: 10, maxHoldMs: 300_000, windowMs: 60_000 };
const START = Date.parse('2025-01-01T00:00:00.000Z');

interface Member {
  id: number;
  /** Seconds between renewals; it renews when (second - phase) is a multiple. */
  heartbeat: number;
  ttl: number;
  phase: number;
  renewing: boolean;
  expiresAt: number;
}

/** A store shared by replicas: it counts renewals and evictions on its own clock (`now + offsetMs`). */
interface SharedCounts {
  offsetMs: number;
  renewals: PerSecondMeter;
  evictions: PerSecondMeter;
}

/**
 * A fleet in plain numbers around the policy: members renew on their heartbeat while `renewing`, fall
 * due after their TTL, and are removed by the sweep the policy lets through — what the store and the
 * sweeper do, second by second. With `storeClockOffsetMs` the policy counts nothing itself: a shared
 * store counts, and each sweep hands the policy its history, as the Redis store does for a replica that
 * hears none of the renewals.
 */
class Fleet {
  readonly policy: SelfPreservationPolicy;
  readonly members = new Map<number, Member>();
  readonly changes: SelfPreservationChange[] = [];
  readonly expired: number[] = [];
  private readonly expiredMembers = new Map<number, Member>();
  now = START;
  private nextId = 0;
  private readonly shared: SharedCounts | undefined;

  constructor(settings: Partial<SelfPreservationSettings> = {}, storeClockOffsetMs?: number) {
    this.policy = new SelfPreservationPolicy({ ...SETTINGS, ...settings });
    if (storeClockOffsetMs !== undefined) {
      const horizon = this.policy.historySeconds;
      this.shared = { offsetMs: storeClockOffsetMs, renewals: new PerSecondMeter(horizon), evictions: new PerSecondMeter(horizon) };
    }
  }

  add(count: number, heartbeat = 10, ttl = 30): number[] {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.nextId++;
      this.members.set(id, { id, heartbeat, ttl, phase: id % heartbeat, renewing: true, expiresAt: this.now + ttl * 1000 });
      ids.push(id);
    }
    return ids;
  }

  stop(ids: readonly number[]): void {
    for (const id of ids) this.members.get(id)!.renewing = false;
  }

  /** Cut-off members renew again; those expired meanwhile register again first, as the library does. */
  resume(ids: readonly number[]): void {
    for (const id of ids) {
      const member = this.members.get(id) ?? this.expiredMembers.get(id);
      if (member === undefined) continue;
      member.renewing = true;
      if (!this.members.has(id)) {
        member.expiresAt = this.now + member.ttl * 1000;
        this.members.set(id, member);
        this.expiredMembers.delete(id);
      }
    }
  }

  get due(): number {
    return [...this.members.values()].filter((member) => member.expiresAt <= this.now).length;
  }

  get active(): boolean {
    return this.policy.state().active;
  }

  /** `seconds` ticks: renewals of the second, then a sweep, then the clock moves on. */
  run(seconds: number, until?: () => boolean): void {
    for (let tick = 0; tick < seconds && !(until?.() ?? false); tick++) {
      const second = Math.floor(this.now / 1000);
      for (const member of this.members.values()) {
        if (member.renewing && (second - member.phase) % member.heartbeat === 0) {
          member.expiresAt = this.now + member.ttl * 1000;
          if (this.shared === undefined) this.policy.renewed(this.now);
          else this.shared.renewals.record(this.now + this.shared.offsetMs);
        }
      }
      this.sweep();
      this.now += 1000;
    }
  }

  sweep(): void {
    const decision = this.policy.decide({ now: this.now, due: this.due, registered: this.members.size, history: this.history() });
    if (decision.change !== undefined) this.changes.push(decision.change);
    if (!decision.expire) return;
    const gone = [...this.members.values()].filter((member) => member.expiresAt <= this.now).map((member) => member.id);
    for (const id of gone) {
      this.expiredMembers.set(id, this.members.get(id)!);
      this.members.delete(id);
    }
    this.expired.push(...gone);
    if (this.shared === undefined) this.policy.evicted(this.now, gone.length);
    else this.shared.evictions.record(this.now + this.shared.offsetMs, gone.length);
  }

  /** The shared store's counts as `expiryHistory` reports them: per second, oldest first, ending with the running one. */
  private history(): ExpiryHistory | undefined {
    if (this.shared === undefined) return undefined;
    const now = this.now + this.shared.offsetMs;
    const first = Math.floor(now / 1000) - this.policy.historySeconds + 1;
    const series = (meter: PerSecondMeter): number[] =>
      Array.from({ length: this.policy.historySeconds }, (_, i) => meter.count(first + i, first + i + 1));
    return { now, renewals: series(this.shared.renewals), evictions: series(this.shared.evictions) };
  }
}

/** 40 members renewing for three windows, then the ids of 30 of them cut off (10 keep renewing, spread over phases). */
function partitioned(settings: Partial<SelfPreservationSettings> = {}, heartbeat = 10, ttl = 30): { fleet: Fleet; cut: number[] } {
  const fleet = new Fleet(settings);
  const ids = fleet.add(40, heartbeat, ttl);
  fleet.run(180);
  const cut = ids.filter((id) => id % 4 !== 0);
  fleet.stop(cut);
  return { fleet, cut };
}

describe('SelfPreservationPolicy', () => {
  it('engages on a partition before more than the threshold share of the fleet expired, and holds', () => {
    const { fleet } = partitioned();
    fleet.run(60, () => fleet.active);
    expect(fleet.active).toBe(true);
    expect(fleet.expired.length).toBeGreaterThan(0);
    expect(fleet.expired.length).toBeLessThanOrEqual(0.15 * 40);
    expect(fleet.changes).toEqual([expect.objectContaining({ kind: 'engaged', fleet: 40 })]);
    const engaged = fleet.changes[0] as Extract<SelfPreservationChange, { kind: 'engaged' }>;
    expect(engaged.renewalDrop).toBeCloseTo(0.75, 1);

    const expiredBefore = fleet.expired.length;
    fleet.run(120);
    expect(fleet.active).toBe(true);
    expect(fleet.expired.length).toBe(expiredBefore);
    expect(fleet.policy.state()).toMatchObject({ active: true, held: 30 - expiredBefore, since: expect.any(Number) });
  });

  it('engages as early with a short heartbeat (1 s, TTL 3 s): the renewal span follows the heartbeat', () => {
    const { fleet } = partitioned({}, 1, 3);
    fleet.run(30, () => fleet.active);
    expect(fleet.active).toBe(true);
    expect(fleet.expired.length).toBeLessThanOrEqual(0.15 * 40);
  });

  it('engages when the whole cut-off share falls due in one sweep, expiring none', () => {
    const fleet = new Fleet();
    const ids = fleet.add(40, 10, 30);
    // Every member on the same phase: they all fall due in the same second.
    for (const member of fleet.members.values()) member.phase = 0;
    fleet.run(180);
    fleet.stop(ids.slice(0, 20));
    fleet.run(60, () => fleet.active);
    expect(fleet.active).toBe(true);
    expect(fleet.expired).toEqual([]);
  });

  it('does not engage on a fleet smaller than minInstances', () => {
    const fleet = new Fleet();
    const ids = fleet.add(9);
    fleet.run(180);
    fleet.stop(ids.slice(0, 6));
    fleet.run(60);
    expect(fleet.changes).toEqual([]);
    expect(fleet.expired).toHaveLength(6);
  });

  it('does not engage when renewals did not drop: a fleet replaced by a new one', () => {
    const fleet = new Fleet();
    const old = fleet.add(30);
    fleet.add(10);
    fleet.run(180);
    fleet.stop(old);
    fleet.add(30);
    fleet.run(60);
    expect(fleet.changes).toEqual([]);
    expect(fleet.expired.sort((a, b) => a - b)).toEqual(old);
  });

  it('does not engage while the share that stopped stays within the threshold', () => {
    const fleet = new Fleet();
    const ids = fleet.add(40);
    fleet.run(180);
    fleet.stop(ids.slice(0, 6));
    fleet.run(60);
    expect(fleet.changes).toEqual([]);
    expect(fleet.expired).toHaveLength(6);
  });

  it('does not engage without a renewal history to compare with (just started)', () => {
    const fleet = new Fleet();
    const ids = fleet.add(40);
    fleet.run(5);
    fleet.stop(ids.slice(0, 30));
    fleet.run(40);
    expect(fleet.changes).toEqual([]);
    expect(fleet.expired).toHaveLength(30);
  });

  it('never engages with threshold 0', () => {
    const { fleet } = partitioned({ threshold: 0 });
    fleet.run(60);
    expect(fleet.policy.enabled).toBe(false);
    expect(fleet.changes).toEqual([]);
    expect(fleet.expired).toHaveLength(30);
  });

  it('releases when renewals come back, expiring nothing more', () => {
    const { fleet, cut } = partitioned();
    fleet.run(60, () => fleet.active);
    const expiredBefore = fleet.expired.length;
    fleet.run(60);
    fleet.resume(cut);
    fleet.run(20, () => !fleet.active);
    expect(fleet.active).toBe(false);
    expect(fleet.changes.map((change) => change.kind)).toEqual(['engaged', 'recovered']);
    expect(fleet.changes[1]).toMatchObject({ due: 0 });
    expect(fleet.expired.length).toBe(expiredBefore);
    fleet.run(120);
    expect(fleet.expired.length).toBe(expiredBefore);
    expect(fleet.changes).toHaveLength(2);
    expect(fleet.members.size).toBe(40);
  });

  it('keeps holding while the cut-off share stays silent, even when few of it are left to hold', () => {
    const fleet = new Fleet();
    const ids = fleet.add(40);
    fleet.run(180);
    // 7 of 40 (17.5 %): 6 expire before the hold, 1 is held; the 33 others renewing is no recovery.
    fleet.stop(ids.slice(0, 7));
    fleet.run(60, () => fleet.active);
    expect(fleet.policy.state()).toMatchObject({ active: true, held: 1 });
    expect(fleet.expired).toHaveLength(6);
    fleet.run(200);
    expect(fleet.policy.state()).toMatchObject({ active: true, held: 1 });
  });

  it('releases once renewals recovered when the few still due died while cut off, well before the maximum', () => {
    const { fleet, cut } = partitioned();
    fleet.run(60, () => fleet.active);
    const held = cut.filter((id) => fleet.members.has(id));
    const dead = held.slice(0, 4);
    fleet.run(30);
    fleet.resume(cut.filter((id) => !dead.includes(id)));
    fleet.run(120, () => !fleet.active);
    expect(fleet.changes.map((change) => change.kind)).toEqual(['engaged', 'recovered']);
    expect(fleet.changes[1]).toMatchObject({ due: 4 });
    expect((fleet.changes[1] as { heldMs: number }).heldMs).toBeLessThan(120_000);
    fleet.run(1);
    for (const id of dead) expect(fleet.members.has(id)).toBe(false);
    expect(fleet.members.size).toBe(36);
  });

  it('releases after maxHoldMs, expiring what is due, and does not engage again within a window', () => {
    const { fleet } = partitioned({ maxHoldMs: 120_000 });
    fleet.run(60, () => fleet.active);
    const engagedAt = fleet.now;
    fleet.run(200, () => !fleet.active);
    expect(fleet.active).toBe(false);
    expect(fleet.now - engagedAt).toBeGreaterThanOrEqual(120_000);
    expect(fleet.now - engagedAt).toBeLessThanOrEqual(121_000);
    expect(fleet.changes.map((change) => change.kind)).toEqual(['engaged', 'timed-out']);
    expect(fleet.members.size).toBe(10);

    // Within the quiet window, even 5 of the 10 left stopping at once is expired, not held.
    const survivors = [...fleet.members.keys()];
    fleet.run(1);
    fleet.stop(survivors.slice(0, 5));
    fleet.run(40);
    expect(fleet.changes).toHaveLength(2);
    expect(fleet.members.size).toBe(5);
  });

  it('can engage again once the quiet window after a timeout passed', () => {
    const { fleet } = partitioned({ maxHoldMs: 60_000, minInstances: 5 });
    fleet.run(60, () => fleet.active);
    fleet.run(100, () => !fleet.active);
    expect(fleet.changes.map((change) => change.kind)).toEqual(['engaged', 'timed-out']);
    // Refill the fleet, let the window pass, then cut most of it off again.
    const fresh = fleet.add(30);
    fleet.run(180);
    fleet.stop(fresh);
    fleet.run(60, () => fleet.active);
    expect(fleet.changes.map((change) => change.kind)).toEqual(['engaged', 'timed-out', 'engaged']);
  });
});

describe('SelfPreservationPolicy fed the store\'s history (a replica that hears none of the renewals itself)', () => {
  it.each([7_400, -3_300])('engages, holds and releases as on its own counts, the store\'s clock %i ms off', (offsetMs) => {
    const fleet = new Fleet({}, offsetMs);
    const ids = fleet.add(40);
    fleet.run(180);
    const cut = ids.filter((id) => id % 4 !== 0);
    fleet.stop(cut);
    fleet.run(60, () => fleet.active);
    expect(fleet.active).toBe(true);
    expect(fleet.expired.length).toBeGreaterThan(0);
    expect(fleet.expired.length).toBeLessThanOrEqual(0.15 * 40);

    const expiredBefore = fleet.expired.length;
    fleet.run(120);
    expect(fleet.active).toBe(true);
    expect(fleet.expired.length).toBe(expiredBefore);

    fleet.resume(cut);
    fleet.run(20, () => !fleet.active);
    expect(fleet.changes.map((change) => change.kind)).toEqual(['engaged', 'recovered']);
    expect(fleet.expired.length).toBe(expiredBefore);
  });

  it('weighs the evictions in the history, whichever replica made them', () => {
    const policy = new SelfPreservationPolicy(SETTINGS);
    const seconds = policy.historySeconds;
    const now = START + 500;
    // 4 renewals a second for 100 s, then 1 a second: a 75 % drop.
    const renewals = Array.from({ length: seconds }, (_, i) => (i < seconds - 21 ? 4 : 1));
    const none = new Array<number>(seconds).fill(0);
    const evictions = none.map((_, i) => (i === seconds - 3 ? 5 : 0));
    // 2 due of 40 is no mass expiry on its own…
    expect(policy.decide({ now, due: 2, registered: 40, history: { now, renewals, evictions: none } })).toEqual({ expire: true });
    // …but with 5 evicted two seconds ago (by another replica: this policy recorded none), 7 of 45 is.
    expect(policy.decide({ now, due: 2, registered: 40, history: { now, renewals, evictions } })).toMatchObject({
      expire: false,
      change: { kind: 'engaged', due: 2, fleet: 45 },
    });
  });

  it('asks for two windows of history and the running second', () => {
    expect(new SelfPreservationPolicy(SETTINGS).historySeconds).toBe(121);
  });
});
