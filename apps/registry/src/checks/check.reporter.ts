import { Logger } from '@nestjs/common';
import { Clock } from '../clock';
import { RegistryMetrics } from '../metrics/registry.metrics';
import { RegistryStore } from '../store/registry-store.interface';
import { recordProbe } from './check.counters';
import { CheckTargets, storedHealthOf, TrackedCheck } from './check.targets';
import { ProbeResult } from './health-prober.interface';

/**
 * What the checker tells the store: a probe's outcome through the thresholds, and the deregistration of
 * instances critical for too long. Writes only what changed — a status (which bumps the revision and wakes
 * watchers), or just the output (which does not) — and logs changes of state, never single probes.
 * @internal
 */
export class CheckReporter {
  private readonly logger = new Logger('HealthChecks');
  private storeError: string | undefined;

  constructor(
    private readonly store: RegistryStore,
    private readonly clock: Clock,
    private readonly targets: CheckTargets,
    private readonly metrics: RegistryMetrics,
  ) {}

  /** Counts the probe and writes what changed. */
  async report(entry: TrackedCheck, result: ProbeResult): Promise<void> {
    entry.counters = recordProbe(entry.counters, result.ok, entry.check);
    const { status } = entry.counters;
    const before = entry.stored;
    if (status === before.status && result.output === before.output) return;
    let instance;
    try {
      instance = await this.store.setHealth(entry.name, entry.id, { status, output: result.output, endpoint: entry.endpoint });
      this.storeAnswered();
    } catch (error) {
      // Nothing recorded: the next probe writes again.
      this.storeFailed(`record the health of ${entry.name}/${entry.id}`, error);
      return;
    }
    if (instance === undefined) return this.targets.drop(entry);
    if (entry.removed) return;
    const stored = storedHealthOf(instance, this.clock.now(), entry.endpoint);
    this.targets.setStored(entry, stored);
    if (stored.status === before.status) return;
    const what = entry.endpoint === undefined ? `${entry.name}/${entry.id}` : `${entry.name}/${entry.id} endpoint ${entry.endpoint}`;
    if (stored.status === 'critical') {
      this.logger.warn(`${what} is critical: ${result.output} (${entry.counters.failures} failures)`);
    } else {
      this.logger.log(`${what} is passing again: ${result.output} (${entry.counters.successes} successes)`);
    }
  }

  /**
   * Deregisters the instances whose primary check has been critical for longer than its
   * `deregisterCriticalAfterSeconds`. A critical endpoint never removes its instance: the app still serves
   * its other protocols, and the endpoint stays out of its own protocol's routing until it passes again.
   */
  deregisterLongCritical(now: number): void {
    for (const entry of this.targets.criticals()) {
      if (entry.endpoint !== undefined) continue;
      const since = entry.stored.since ?? now;
      if (entry.deregistering || now - since < entry.check.deregisterCriticalAfterSeconds * 1000) continue;
      entry.deregistering = true;
      void this.deregister(entry, Math.round((now - since) / 1000));
    }
  }

  storeAnswered(): void {
    if (this.storeError === undefined) return;
    this.storeError = undefined;
    this.logger.log('The store answers the health checker again');
  }

  /** Logs the first failure of a run of them, not one per probe. */
  storeFailed(what: string, error: unknown): void {
    if (this.storeError !== undefined) return;
    this.storeError = (error as Error).message;
    this.logger.error(`Health checker cannot ${what}: ${this.storeError}`);
  }

  private async deregister(entry: TrackedCheck, criticalSeconds: number): Promise<void> {
    try {
      const removed = await this.store.deregister(entry.name, entry.id);
      this.storeAnswered();
      this.targets.drop(entry);
      if (!removed) return;
      this.metrics.deregistered(entry.name);
      const { host, port, protocol } = entry.target;
      this.logger.warn(
        `Deregistered ${entry.name}/${entry.id} at ${protocol}://${host}:${port}: critical for ${criticalSeconds}s (${entry.stored.output ?? 'no output'})`,
      );
    } catch (error) {
      entry.deregistering = false;
      this.storeFailed(`deregister ${entry.name}/${entry.id}`, error);
    }
  }
}
