import { Controller, Get, Inject } from '@nestjs/common';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { WatchHub } from '../watch/watch.hub';

/** Body of `GET /health`. */
export interface HealthBody {
  status: 'ok';
  revision: number;
  services: number;
  instances: number;
  watchers: number;
  uptimeSeconds: number;
}

@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly hub: WatchHub,
  ) {}

  @Get('health')
  async health(): Promise<HealthBody> {
    const { revision, services } = await this.store.all();
    const lists = Object.values(services);
    return {
      status: 'ok',
      revision,
      services: lists.length,
      instances: lists.reduce((sum, list) => sum + list.length, 0),
      watchers: this.hub.size,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }
}
