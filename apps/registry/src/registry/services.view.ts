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
  /** How many services and instances it lists (for `/health`). */
  counts: { services: number; instances: number };
}

/**
 * How stale `lastHeartbeat` may be in a cached listing. Renewals do not change the revision, so
 * without this bound a steady registry would serve the first serialization forever.
 */
export const HEARTBEAT_STALENESS_MS = 1000;

/**
 * Under churn, a registration's answer may reuse a view until it is this many times as old as its own
 * build took: serializing 100 000 instances takes ~100 ms, and rebuilding it for every one of a storm of
 * registrations made filling a large registry quadratic. The answer carries the view's own revision, so
 * the client catches up through the watch.
 */
const REBUILD_COST_FACTOR = 10;

/**
 * Serializes the service map once per revision and shares the string: a change that wakes a
 * thousand watchers costs one JSON.stringify, and steady heartbeats cost none.
 */
@Injectable()
export class ServicesView {
  private cached: (SerializedServices & { builtAt: number; buildMs: number }) | undefined;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The view at the current revision, or — with `allowLag` — a recent one (see REBUILD_COST_FACTOR)
   * that may be a few revisions behind.
   */
  async current(options: { allowLag?: boolean } = {}): Promise<SerializedServices> {
    const revision = await this.store.revision();
    const now = this.clock.now();
    const cached = this.cached;
    if (cached !== undefined) {
      const age = now - cached.builtAt;
      if (cached.revision === revision && age < HEARTBEAT_STALENESS_MS) return cached;
      if (options.allowLag && age < cached.buildMs * REBUILD_COST_FACTOR) return cached;
    }
    const state = await this.store.all();
    // Only the serialization counts as the build's cost: a remote store's round trip is not CPU spent
    // here, and counting it would let answers lag on every registry, however small.
    const started = performance.now();
    const services = JSON.stringify(state.services);
    const lists = Object.values(state.services);
    const fresh = {
      revision: state.revision,
      services,
      counts: { services: lists.length, instances: lists.reduce((sum, list) => sum + list.length, 0) },
      body: `{"revision":${state.revision},"services":${services}}`,
      builtAt: now,
      buildMs: performance.now() - started,
    };
    this.cached = fresh;
    return fresh;
  }
}
