import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { CHECK_LEADERSHIP_RENEWAL, CHECK_LEADERSHIP_TTL_MS } from './checks.constants';

/**
 * Which replica runs the health checks: the one holding the store's check lease, claimed at start and
 * renewed every third of its TTL. Replicas that do not hold it keep claiming, so one takes over within a
 * TTL of the leader's death. The memory store always grants it (one registry, one leader).
 */
@Injectable()
export class CheckLeadership implements OnApplicationBootstrap, OnApplicationShutdown {
  /** This replica's name in the lease. */
  readonly owner = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger('HealthChecks');
  private leading = false;
  /** The lease is ours until then (performance.now(); the store's TTL runs in real time, not the registry's clock). */
  private validUntil = 0;
  private claiming = false;
  private lastError: string | undefined;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly schedulerRegistry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    void this.claim();
    const handle = setInterval(() => void this.claim(), Math.floor(CHECK_LEADERSHIP_TTL_MS / 3));
    handle.unref();
    this.schedulerRegistry.addInterval(CHECK_LEADERSHIP_RENEWAL, handle);
  }

  onApplicationShutdown(): void {
    if (this.schedulerRegistry.doesExist('interval', CHECK_LEADERSHIP_RENEWAL)) {
      this.schedulerRegistry.deleteInterval(CHECK_LEADERSHIP_RENEWAL);
    }
  }

  /** Whether this replica holds the lease now (a renewal that hangs past the TTL is no renewal). */
  isLeader(): boolean {
    return this.leading && performance.now() < this.validUntil;
  }

  /** Claims or renews the lease; a store that cannot be reached costs the lease. */
  async claim(): Promise<void> {
    if (this.claiming) return;
    this.claiming = true;
    // From before the call: the lease may have started any time after this.
    const started = performance.now();
    try {
      const won = await this.store.claimCheckLeadership(this.owner, CHECK_LEADERSHIP_TTL_MS);
      this.lastError = undefined;
      this.set(won, won ? started + CHECK_LEADERSHIP_TTL_MS : 0, 'another replica holds the lease');
    } catch (error) {
      const message = (error as Error).message;
      if (this.lastError !== message) this.logger.warn(`Cannot claim the health-check lease: ${message}`);
      this.lastError = message;
      this.set(false, 0, 'the store cannot be reached');
    } finally {
      this.claiming = false;
    }
  }

  private set(leading: boolean, validUntil: number, whyNot: string): void {
    this.validUntil = validUntil;
    if (leading === this.leading) return;
    this.leading = leading;
    if (leading) this.logger.log(`This registry (${this.owner}) now runs the health checks`);
    else this.logger.log(`This registry (${this.owner}) no longer runs the health checks: ${whyNot}`);
  }
}
