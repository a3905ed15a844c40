import type { ExpiryHistory } from '../store/registry-store.interface';
import { PerSecondCounts, PerSecondMeter } from './per-second.meter';
import { PerSecondSeries } from './per-second.series';

/** What tunes {@link SelfPreservationPolicy}. */
export interface SelfPreservationSettings {
  /** Share of the fleet (0–1) that may expire within one window before expiry is held; 0 disables. */
  threshold: number;
  /** Smallest fleet that can engage: three instances losing one is not a partition. */
  minInstances: number;
  /** Longest hold; then what is due expires anyway. */
  maxHoldMs: number;
  /** How far back expiries are weighed, and the baseline renewal rate is measured. */
  windowMs: number;
}

/** What the store reports before a sweep. */
export interface SweepObservation {
  /** Epoch ms. */
  now: number;
  /** Instances past their TTL now. */
  due: number;
  /** Instances registered now, the due ones included. */
  registered: number;
  /**
   * Renewals and evictions counted by the store across every replica sharing it (at least
   * {@link SelfPreservationPolicy.historySeconds} long). When given, it replaces what this policy counted
   * itself ({@link SelfPreservationPolicy.renewed}, {@link SelfPreservationPolicy.evicted}): a replica
   * hears only the renewals sent to it.
   */
  history?: ExpiryHistory;
}

/** A change of state, for the one log line it deserves. */
export type SelfPreservationChange =
  | { kind: 'engaged'; due: number; fleet: number; share: number; renewalDrop: number }
  | { kind: 'recovered'; due: number; heldMs: number }
  | { kind: 'timed-out'; due: number; heldMs: number; quietMs: number };

export interface SweepDecision {
  /** Whether this sweep may expire what is due. */
  expire: boolean;
  change?: SelfPreservationChange;
}

export interface SelfPreservationState {
  active: boolean;
  /** Epoch ms the hold began, while active. */
  since?: number;
  /** Instances due but kept at the last sweep, while active. */
  held?: number;
}

interface Hold {
  since: number;
  /** The same instant on the clock the renewals are counted on (the store's, with a shared history). */
  countedSince: number;
  /** Renewals per second before the hold. */
  baselineRate: number;
  /** Seconds the recent renewal rate is measured over. */
  spanSeconds: number;
  held: number;
}

interface RenewalTrend {
  /** 1 − recent rate / baseline rate: 0.75 when three renewals in four stopped arriving. */
  drop: number;
  baselineRate: number;
  spanSeconds: number;
}

/** The renewals and evictions one decision reads, and the clock they are counted on. */
interface Counts {
  /** Epoch ms on that clock. */
  now: number;
  renewals: PerSecondCounts;
  evictions: PerSecondCounts;
}

/** The recent span covers two heartbeats, within these bounds (seconds; the upper one in windows). */
const MIN_SPAN_SECONDS = 2;
const MAX_SPAN_WINDOWS = 0.5;

/**
 * Decides, before each expiry sweep, whether the registry should stop expiring instances because so
 * many stop renewing at once that the registry itself is more likely cut off than they all dead.
 *
 * Engages when, within one window, the instances due plus those already expired exceed `threshold` of
 * the fleet (so at most that share leaves before the hold), renewals dropped by at least `threshold`,
 * and the fleet has `minInstances`. Releases when nothing is due any more, when renewals recover
 * (expiring the few still due: at most `threshold` of the fleet), or after `maxHoldMs` (expiring
 * everything due, then not engaging again for one window so a real mass death is not held twice).
 *
 * Renewals are compared over a recent span of about two heartbeats against the window before it. A
 * whole-window comparison lags: instances of a partition fall due one heartbeat or two after it began,
 * long before a 60 s total shows a 15 % drop, and they would all be gone by then. The heartbeat is
 * estimated from the fleet size over the renewal rate. A fleet replaced by a new one (old instances
 * killed, new ones registering) keeps the rate and so is expired normally.
 *
 * Pure: time comes in with each call; the service feeds it the store's numbers. Renewals and evictions
 * are the policy's own meters, or — on a store shared by several replicas — the store's history, which
 * every replica reads alike; the hold's duration is always measured on `now`.
 */
export class SelfPreservationPolicy {
  private readonly windowSeconds: number;
  private readonly renewals: PerSecondMeter;
  private readonly evictions: PerSecondMeter;
  private hold: Hold | undefined;
  private quietUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: SelfPreservationSettings) {
    this.windowSeconds = Math.max(MIN_SPAN_SECONDS * 2, Math.round(settings.windowMs / 1000));
    this.renewals = new PerSecondMeter(this.historySeconds);
    this.evictions = new PerSecondMeter(this.windowSeconds + 1);
  }

  get enabled(): boolean {
    return this.settings.threshold > 0;
  }

  /** How many seconds of history (the running one included) a decision reads. */
  get historySeconds(): number {
    // The interval estimate looks back two windows before the running second.
    return 2 * this.windowSeconds + 1;
  }

  /** An instance renewed (`POST /register` answered 200). */
  renewed(now: number): void {
    this.renewals.record(now);
  }

  /** A sweep expired `count` instances. */
  evicted(now: number, count: number): void {
    if (count > 0) this.evictions.record(now, count);
  }

  state(): SelfPreservationState {
    return this.hold === undefined ? { active: false } : { active: true, since: this.hold.since, held: this.hold.held };
  }

  decide(observation: SweepObservation): SweepDecision {
    if (!this.enabled) return { expire: true };
    const counts = this.counts(observation);
    return this.hold === undefined ? this.whileExpiring(observation, counts) : this.whileHolding(observation, counts, this.hold);
  }

  private counts({ now, history }: SweepObservation): Counts {
    if (history === undefined) return { now, renewals: this.renewals, evictions: this.evictions };
    const second = Math.floor(history.now / 1000);
    return {
      now: history.now,
      renewals: new PerSecondSeries(history.renewals, second),
      evictions: new PerSecondSeries(history.evictions, second),
    };
  }

  private whileExpiring({ now, due, registered }: SweepObservation, counts: Counts): SweepDecision {
    if (due === 0 || now < this.quietUntil) return { expire: true };
    const second = Math.floor(counts.now / 1000);
    // Expired this second count too: the previous sweep may have been a moment ago.
    const expired = counts.evictions.count(second - this.windowSeconds + 1, second + 1);
    const fleet = registered + expired;
    const share = (due + expired) / fleet;
    if (fleet < this.settings.minInstances || share <= this.settings.threshold) return { expire: true };
    const trend = this.renewalTrend(counts.renewals, second, fleet);
    if (trend === undefined || trend.drop < this.settings.threshold) return { expire: true };
    this.hold = { since: now, countedSince: counts.now, baselineRate: trend.baselineRate, spanSeconds: trend.spanSeconds, held: due };
    return { expire: false, change: { kind: 'engaged', due, fleet, share, renewalDrop: trend.drop } };
  }

  private whileHolding({ now, due, registered }: SweepObservation, counts: Counts, hold: Hold): SweepDecision {
    const heldMs = now - hold.since;
    if (due === 0) return this.release({ kind: 'recovered', due, heldMs });
    if (heldMs >= this.settings.maxHoldMs) {
      this.quietUntil = now + this.windowSeconds * 1000;
      return this.release({ kind: 'timed-out', due, heldMs, quietMs: this.windowSeconds * 1000 });
    }
    if (this.recovered(counts, due, registered, hold)) return this.release({ kind: 'recovered', due, heldMs });
    hold.held = due;
    return { expire: false };
  }

  /**
   * Renewals are back near their rate before the hold (instances expired just before it count: alive,
   * they register again and renew), measured over a span wholly inside the hold, and at most
   * `threshold` of the fleet is still due: what is left stopped for good (died while cut off).
   */
  private recovered(counts: Counts, due: number, registered: number, hold: Hold): boolean {
    const second = Math.floor(counts.now / 1000);
    if ((second - hold.spanSeconds) * 1000 < hold.countedSince) return false;
    if (due / registered > this.settings.threshold) return false;
    const recentRate = counts.renewals.count(second - hold.spanSeconds, second) / hold.spanSeconds;
    return 1 - recentRate / hold.baselineRate < this.settings.threshold;
  }

  private release(change: SelfPreservationChange): SweepDecision {
    this.hold = undefined;
    return { expire: true, change };
  }

  /** Undefined while there is no baseline to compare with (just started, or nothing renews). */
  private renewalTrend(renewals: PerSecondCounts, second: number, fleet: number): RenewalTrend | undefined {
    const window = this.windowSeconds;
    // The less disturbed of the last two windows gives the usual rate, and from it the heartbeat.
    const usualRate = Math.max(renewals.count(second - window, second), renewals.count(second - 2 * window, second - window)) / window;
    if (usualRate === 0) return undefined;
    const heartbeatSeconds = fleet / usualRate;
    const spanSeconds = Math.min(Math.max(Math.ceil(2 * heartbeatSeconds), MIN_SPAN_SECONDS), Math.floor(window * MAX_SPAN_WINDOWS));
    const baselineRate = renewals.count(second - spanSeconds - window, second - spanSeconds) / window;
    if (baselineRate === 0) return undefined;
    const recentRate = renewals.count(second - spanSeconds, second) / spanSeconds;
    return { drop: 1 - recentRate / baselineRate, baselineRate, spanSeconds };
  }
}
