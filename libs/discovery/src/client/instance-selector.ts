import { ServiceInstance } from '../interfaces/service-instance.interface';
import { LoadBalancingStrategy } from '../load-balancing/load-balancing-strategy.interface';
import { isRoutable } from '../resolution/routable';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { ProtocolView } from './protocol-view';
import { InstanceFilter } from './service-request.interface';

/**
 * Filtering before selection: candidates → the caller's protocols (HTTP callers take instances at
 * their http/https address, gRPC callers at their `grpc` endpoint) → filter (tags/metadata) → drop ejected → avoid instances
 * already tried in this call (when others remain) → prefer the caller's zone (when any remains) →
 * a list of one short-circuits → the strategy picks. Allocates nothing in the common case
 * (no filter, nothing ejected, no zone, first attempt). @internal
 */
export class InstanceSelector {
  private readonly protocols: ProtocolView | undefined;

  /** @param protocols endpoint protocols this caller speaks; undefined takes every instance. */
  constructor(
    private readonly ejection: OutlierEjection,
    private readonly zone: string | undefined,
    protocols?: ProtocolView,
  ) {
    this.protocols = protocols;
  }

  select(
    service: string,
    candidates: readonly ServiceInstance[],
    strategy: LoadBalancingStrategy,
    filter: InstanceFilter | undefined,
    tried: readonly ServiceInstance[] | undefined,
    attempt: number,
  ): ServiceInstance | undefined {
    let list = this.protocols ? this.protocols.of(candidates) : candidates;
    if (filter) list = list.filter((instance) => matches(instance, filter));
    if (!this.ejection.allClosed) list = list.filter((instance) => this.ejection.isAvailable(instance.id));
    if (tried && tried.length > 0) {
      const fresh = list.filter((instance) => !tried.some((t) => t.id === instance.id));
      if (fresh.length > 0) list = fresh;
    }
    if (this.zone !== undefined && list.length > 1) list = this.preferZone(list);
    if (list.length === 0) return undefined;
    if (list.length === 1) return list[0];
    return strategy.select(list, { service, attempt });
  }

  /** Why nothing was selected, for the error message. */
  explain(candidates: readonly ServiceInstance[], filter: InstanceFilter | undefined): string {
    if (candidates.length === 0) return 'none registered';
    if (!candidates.some(isRoutable)) return `all ${candidates.length} registered are critical or drained`;
    const spoken = this.protocols ? this.protocols.of(candidates) : candidates;
    if (spoken.length === 0) return this.protocols!.explainEmpty(candidates);
    const filtered = filter ? spoken.filter((instance) => matches(instance, filter)) : spoken;
    if (filtered.length === 0) return `none of ${spoken.length} match the filter`;
    return `all ${filtered.length} ejected after consecutive failures`;
  }

  private preferZone(list: readonly ServiceInstance[]): readonly ServiceInstance[] {
    const inZone = list.filter((instance) => instance.metadata?.zone === this.zone);
    return inZone.length > 0 ? inZone : list;
  }
}

/** @internal */
export function matches(instance: ServiceInstance, filter: InstanceFilter): boolean {
  if (filter.tags) {
    for (const tag of filter.tags) if (!instance.tags.includes(tag)) return false;
  }
  if (filter.metadata) {
    for (const key in filter.metadata) if (instance.metadata[key] !== filter.metadata[key]) return false;
  }
  return true;
}
