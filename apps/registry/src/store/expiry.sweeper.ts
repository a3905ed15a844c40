import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RegistryConfig } from '../config';
import { RegistryMetrics } from '../metrics/registry.metrics';
import { EXPIRY_SWEEP_INTERVAL, REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { SelfPreservation } from '../self-preservation/self-preservation.service';
import { RegistryStore } from './registry-store.interface';

/** Evicts instances whose TTL ran out, every `sweepIntervalMs`, unless self-preservation holds them. */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Expiry');
  private sweeping = false;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly schedulerRegistry: SchedulerRegistry,
    private readonly metrics: RegistryMetrics,
    private readonly selfPreservation: SelfPreservation,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    // Never keep the process alive just to sweep.
    handle.unref();
    this.schedulerRegistry.addInterval(EXPIRY_SWEEP_INTERVAL, handle);
  }

  onApplicationShutdown(): void {
    if (this.schedulerRegistry.doesExist('interval', EXPIRY_SWEEP_INTERVAL)) {
      this.schedulerRegistry.deleteInterval(EXPIRY_SWEEP_INTERVAL);
    }
  }

  /** One sweep; overlapping ticks (a slow remote store) are skipped, not queued. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const permit = await this.selfPreservation.mayExpire();
      if (!permit.expire) return;
      const evicted = await this.store.expire(permit.dueBy);
      this.selfPreservation.expired(evicted.length);
      this.metrics.expired(evicted);
      for (const instance of evicted) {
        this.logger.log(`Evicted ${instance.name}/${instance.id} (${instance.host}:${instance.port}): no heartbeat for ${instance.ttlSeconds}s`);
      }
    } catch (error) {
      this.logger.error(`Expiry sweep failed: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }
}
