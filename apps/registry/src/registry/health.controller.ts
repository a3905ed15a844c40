import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CheckerStats, HealthCheckScheduler } from '../checks/health-check.scheduler';
import { REGISTRY_STORE } from '../registry.constants';
import { SelfPreservation, SelfPreservationStatus } from '../self-preservation/self-preservation.service';
import { RegistryStore, StoreStatus } from '../store/registry-store.interface';
import { SubscriptionHub } from '../watch/subscription.hub';
import { WatchHub } from '../watch/watch.hub';
import { countListing } from './instance.entity';

/** Body of `GET /health`: 200 with `ok`, or 503 with `degraded` while the store cannot be reached. */
export interface HealthBody {
  status: 'ok' | 'degraded';
  store: StoreStatus;
  /** The rest is known only while the store answers. */
  revision?: number;
  services?: number;
  instances?: number;
  watchers: number;
  uptimeSeconds: number;
  /** `PATCH /service/:name/:id` exists: the dashboard shows drain and weight controls. */
  operatorControls: true;
  /** Whether expiry is held because the registry looks cut off from its fleet. */
  selfPreservation: SelfPreservationStatus;
  /** The active health checks: whether this replica runs them, how many instances, probes in flight. */
  checks: CheckerStats;
}

@ApiTags('operations')
@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly hub: WatchHub,
    private readonly selfPreservation: SelfPreservation,
    private readonly checker: HealthCheckScheduler,
    private readonly subscriptions: SubscriptionHub,
  ) {}

  @Get('health')
  @ApiOperation({ summary: "The registry's own state: 200 ok, 503 degraded while the store is unreachable" })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthBody> {
    const store = await this.store.status();
    const common = {
      // Every parked long poll: whole-registry (`/watch`) and subscription (`/watch/services`) ones.
      watchers: this.hub.size + this.subscriptions.size,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      operatorControls: true as const,
      selfPreservation: this.selfPreservation.status(),
      checks: this.checker.stats(),
    };
    if (store.reachable) {
      try {
        // Counted from the state, not the services view: serializing a large registry for two numbers cost
        // ~100 ms and held its JSON for as long as probes kept asking.
        const { revision, services } = await this.store.all();
        return { status: 'ok', store, revision, ...countListing(services), ...common };
      } catch (error) {
        Object.assign(store, { reachable: false, error: (error as Error).message });
      }
    }
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'degraded', store, ...common };
  }
}
