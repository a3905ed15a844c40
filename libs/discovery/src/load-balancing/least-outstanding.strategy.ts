import { ServiceInstance } from '../interfaces/service-instance.interface';
import { LoadBalancingStrategy } from './load-balancing-strategy.interface';

/** The instance with the fewest calls in flight from this process; ties go round-robin. */
export class LeastOutstandingStrategy implements LoadBalancingStrategy {
  private readonly outstanding = new Map<string, number>();
  private counter = 0;

  select(instances: readonly ServiceInstance[]): ServiceInstance {
    const n = instances.length;
    // Start the scan at a rotating offset so equal loads spread instead of piling on the first.
    const offset = this.counter++ % n;
    if (this.counter >= Number.MAX_SAFE_INTEGER) this.counter = 0;
    let best = instances[offset];
    let bestLoad = this.outstanding.get(best.id) ?? 0;
    for (let k = 1; k < n && bestLoad > 0; k++) {
      const candidate = instances[(offset + k) % n];
      const load = this.outstanding.get(candidate.id) ?? 0;
      if (load < bestLoad) {
        best = candidate;
        bestLoad = load;
      }
    }
    return best;
  }

  onStart(instance: ServiceInstance): void {
    this.outstanding.set(instance.id, (this.outstanding.get(instance.id) ?? 0) + 1);
  }

  onEnd(instance: ServiceInstance): void {
    const left = (this.outstanding.get(instance.id) ?? 1) - 1;
    if (left > 0) this.outstanding.set(instance.id, left);
    else this.outstanding.delete(instance.id);
  }
}
