import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../clock';
import { RegistryConfig } from '../config';
import { RegistryMetrics } from '../metrics/registry.metrics';
import { REGISTRY_CLOCK, REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { CheckType } from '../registry/instance.entity';
import { RegistryStore } from '../store/registry-store.interface';
import { CheckLeadership } from './check.leadership';
import { CheckReporter } from './check.reporter';
import { CheckTargets, TrackedCheck } from './check.targets';
import { nextDueAt } from './check.timing';
import { CHECK_RESYNC_MS, CHECK_RESYNC_RETRY_MS, CHECK_TICK_MS, HEALTH_CHECK_TICK, HEALTH_PROBERS } from './checks.constants';
import { HealthProber } from './health-prober.interface';
import { settleProbe } from './probe-failure';

/** The checker's state, for `GET /health`. */
export interface CheckerStats {
  /** This replica runs the checks. */
  leader: boolean;
  /** Instances with a check it follows (0 when not leading). */
  instances: number;
  /** Probes in flight now. */
  running: number;
  /** Followed instances the store holds critical. */
  critical: number;
  /** Probes completed since start. */
  probes: number;
}

/**
 * Runs the instances' active checks, on the replica that holds the check lease. One unref'd timer ticks;
 * each tick starts the probes that are due (each instance at its own phase within its interval, see
 * check.timing.ts), at most `checkConcurrency` at a time, and a finished probe makes room for the next.
 * Probes run beside the API and never on its path; what they find goes to the store through the
 * {@link CheckReporter}.
 */
@Injectable()
export class HealthCheckScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly targets = new CheckTargets();
  private readonly inFlight = new Set<AbortController>();
  private leading = false;
  private closed = false;
  private dirty = true;
  private refreshing = false;
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private nextRefreshTryAt = Number.NEGATIVE_INFINITY;
  private probes = 0;
  private unsubscribe: (() => void) | undefined;
  private readonly reporter: CheckReporter;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(REGISTRY_CLOCK) private readonly clock: Clock,
    @Inject(HEALTH_PROBERS) private readonly probers: Readonly<Record<CheckType, HealthProber>>,
    private readonly leadership: CheckLeadership,
    private readonly schedulerRegistry: SchedulerRegistry,
    metrics: RegistryMetrics,
  ) {
    this.reporter = new CheckReporter(store, clock, this.targets, metrics);
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.store.onChange(() => (this.dirty = true));
    const handle = setInterval(() => this.tick(), CHECK_TICK_MS);
    handle.unref();
    this.schedulerRegistry.addInterval(HEALTH_CHECK_TICK, handle);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.unsubscribe?.();
    if (this.schedulerRegistry.doesExist('interval', HEALTH_CHECK_TICK)) this.schedulerRegistry.deleteInterval(HEALTH_CHECK_TICK);
    this.stopProbing();
  }

  stats(): CheckerStats {
    return {
      leader: this.leading,
      instances: this.targets.size,
      running: this.inFlight.size,
      critical: this.targets.criticals().size,
      probes: this.probes,
    };
  }

  /** One tick: follow leadership, re-read the state when it changed, deregister long-critical instances, start due probes. */
  tick(): void {
    if (this.closed) return;
    const leading = this.leadership.isLeader();
    if (leading !== this.leading) {
      this.leading = leading;
      if (leading) this.dirty = true;
      else this.stopProbing();
    }
    if (!leading) return;
    const now = this.clock.now();
    if ((this.dirty || now - this.lastRefreshAt >= CHECK_RESYNC_MS) && now >= this.nextRefreshTryAt) void this.refresh();
    this.reporter.deregisterLongCritical(now);
    this.dispatch(now);
  }

  /** Re-reads the instances with checks from the store. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    this.dirty = false;
    try {
      const state = await this.store.all();
      this.reporter.storeAnswered();
      if (this.closed || !this.leading) return;
      const now = this.clock.now();
      this.targets.sync(state, now);
      this.lastRefreshAt = now;
      this.dispatch(now);
    } catch (error) {
      this.dirty = true;
      this.nextRefreshTryAt = this.clock.now() + CHECK_RESYNC_RETRY_MS;
      this.reporter.storeFailed('read the instances', error);
    } finally {
      this.refreshing = false;
    }
  }

  private dispatch(now: number): void {
    while (this.inFlight.size < this.config.checkConcurrency) {
      const entry = this.targets.popDue(now);
      if (entry === undefined) return;
      void this.run(entry);
    }
  }

  private async run(entry: TrackedCheck): Promise<void> {
    entry.running = true;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), entry.check.timeoutSeconds * 1000);
    try {
      const result = await settleProbe(this.probers[entry.check.type], entry.target, entry.check, controller.signal);
      this.probes++;
      // Aborted by a shutdown or a lost lease rather than the timeout: nobody wants this result.
      if (!this.closed && this.leading && !entry.removed) await this.reporter.report(entry, result);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
      entry.running = false;
      if (!this.closed && this.leading) {
        const now = this.clock.now();
        this.targets.schedule(entry, nextDueAt(entry.dueAt, now, entry.check.intervalSeconds * 1000));
        this.dispatch(now);
      }
    }
  }

  /** Stops every probe and forgets every instance: another replica (or none, at shutdown) runs them now. */
  private stopProbing(): void {
    for (const controller of this.inFlight) controller.abort();
    this.targets.clear();
    this.dirty = true;
  }
}
