import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../clock';
import { RegistryConfig } from '../config';
import { REGISTRY_CLOCK, REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { SelfPreservationChange, SelfPreservationPolicy } from './self-preservation.policy';

/** How far back expiries are weighed and renewals compared. */
export const SELF_PRESERVATION_WINDOW_MS = 60_000;

/** What the coming sweep may evict: nothing, or what is due — by `dueBy` (the store's clock) when the store said when it counted. */
export interface SweepPermit {
  expire: boolean;
  /** The instant the weighed `due` was counted at; the sweep keeps to it, so it evicts no more than was weighed. */
  dueBy?: number;
}

/** `selfPreservation` in `GET /health`. */
export interface SelfPreservationStatus {
  /** False on stores that expire instances themselves (etcd leases): the registry cannot hold them. */
  supported: boolean;
  active: boolean;
  /** When the hold began (ISO 8601), while active. */
  since?: string;
  /** Instances past their TTL but kept, as of the last sweep, while active. */
  held?: number;
  /** `REGISTRY_SELF_PRESERVATION_THRESHOLD`; 0: disabled. */
  threshold: number;
}

/**
 * Self-preservation: holds expiry while the registry looks cut off from its fleet (see
 * {@link SelfPreservationPolicy}). The expiry sweeper asks {@link mayExpire} before each sweep;
 * explicit deregistrations never pass through here and so always apply.
 *
 * On a store shared by several replicas (Redis) renewals and evictions are counted by the store for all
 * of them and read once per sweep ({@link RegistryStore.expiryHistory}): clients renew mostly with one
 * replica, and a replica judging by the renewals it hears alone would see no history, never hold, and
 * evict what another replica holds. Otherwise (memory) this replica's own counts are the whole story.
 */
@Injectable()
export class SelfPreservation {
  private readonly logger = new Logger('SelfPreservation');
  private readonly policy: SelfPreservationPolicy;
  readonly supported: boolean;
  /** Whether renewals and evictions come from the store's history rather than this replica's counts. */
  private readonly shared: boolean;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(REGISTRY_CLOCK) private readonly clock: Clock,
  ) {
    this.supported = typeof store.expiryPressure === 'function';
    this.shared = this.supported && typeof store.expiryHistory === 'function';
    this.policy = new SelfPreservationPolicy({
      threshold: config.selfPreservationThreshold,
      minInstances: config.selfPreservationMinInstances,
      maxHoldMs: config.selfPreservationMaxSeconds * 1000,
      windowMs: SELF_PRESERVATION_WINDOW_MS,
    });
  }

  get active(): boolean {
    return this.policy.state().active;
  }

  /** An instance renewed (`POST /register` answered 200). A shared store counted it already. */
  renewed(): void {
    if (!this.shared) this.policy.renewed(this.clock.now());
  }

  /** Whether the coming sweep may expire what is due; reads the store's expiry pressure, and its history when it keeps one. */
  async mayExpire(): Promise<SweepPermit> {
    if (this.store.expiryPressure === undefined || !this.policy.enabled) return { expire: true };
    // Both in flight at once (one round trip's wait), pressure first: Redis runs one connection's commands in
    // order (its scripts once loaded), so an eviction by another replica in between is counted twice (due,
    // then evicted) rather than missed.
    const [{ due, registered, at }, history] = await Promise.all([
      this.store.expiryPressure(),
      this.shared ? this.store.expiryHistory?.(this.policy.historySeconds) : undefined,
    ]);
    const decision = this.policy.decide({ now: this.clock.now(), due, registered, history });
    if (decision.change !== undefined) this.report(decision.change);
    return decision.expire ? { expire: true, dueBy: at } : { expire: false };
  }

  /** What the sweep just expired. A shared store counted it already, with what other replicas expired. */
  expired(count: number): void {
    if (!this.shared) this.policy.evicted(this.clock.now(), count);
  }

  status(): SelfPreservationStatus {
    const { active, since, held } = this.policy.state();
    const status: SelfPreservationStatus = { supported: this.supported, active, threshold: this.config.selfPreservationThreshold };
    if (since !== undefined) status.since = new Date(since).toISOString();
    if (held !== undefined) status.held = held;
    return status;
  }

  private report(change: SelfPreservationChange): void {
    const seconds = (ms: number): number => Math.round(ms / 1000);
    switch (change.kind) {
      case 'engaged':
        this.logger.warn(
          `Self-preservation engaged: ${percent(change.share)} of ${change.fleet} instances stopped renewing within ` +
            `${seconds(SELF_PRESERVATION_WINDOW_MS)}s and renewals dropped ${percent(change.renewalDrop)} — more likely ` +
            `this registry is cut off than they all died. Holding ${change.due} instances for at most ` +
            `${this.config.selfPreservationMaxSeconds}s; deregistrations still apply`,
        );
        return;
      case 'recovered':
        this.logger.log(`Self-preservation released after ${seconds(change.heldMs)}s: renewals recovered, ${change.due} still due expire now`);
        return;
      case 'timed-out':
        this.logger.warn(
          `Self-preservation released after ${seconds(change.heldMs)}s without recovery: ${change.due} instances expire now; ` +
            `not engaging again for ${seconds(change.quietMs)}s`,
        );
    }
  }
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
