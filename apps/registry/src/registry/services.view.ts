import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock';
import { REGISTRY_CLOCK, REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';

/** The serialized service map at one revision. */
export interface SerializedServices {
  revision: number;
  /** JSON of the `services` object. */
  services: string;
  /** JSON of `{ revision, services }`, the body of `/services` and `/watch`. */
  body: string;
}

/**
 * How stale `lastHeartbeat` may be in a cached listing. Renewals do not change the revision, so
 * without this bound a steady registry would serve the first serialization forever.
 */
export const HEARTBEAT_STALENESS_MS = 1000;

/**
 * Serializes the service map once per revision and shares the string: a change that wakes a
 * thousand watchers costs one JSON.stringify, and steady heartbeats cost none.
 */
@Injectable()
export class ServicesView {
  private cached: (SerializedServices & { builtAt: number }) | undefined;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CLOCK) private readonly clock: Clock,
  ) {}

  async current(): Promise<SerializedServices> {
    const revision = await this.store.revision();
    const now = this.clock.now();
    const cached = this.cached;
    if (cached !== undefined && cached.revision === revision && now - cached.builtAt < HEARTBEAT_STALENESS_MS) {
      return cached;
    }
    const state = await this.store.all();
    const services = JSON.stringify(state.services);
    const fresh = {
      revision: state.revision,
      services,
      body: `{"revision":${state.revision},"services":${services}}`,
      builtAt: now,
    };
    this.cached = fresh;
    return fresh;
  }
}
