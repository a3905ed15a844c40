import { ServiceInstance } from '../interfaces/service-instance.interface';
import { LoadBalancingStrategy } from './load-balancing-strategy.interface';

/** Each instance in turn. */
export class RoundRobinStrategy implements LoadBalancingStrategy {
  private counter = 0;

  select(instances: readonly ServiceInstance[]): ServiceInstance {
    // The list may shrink or grow between calls; the modulo keeps the index in range.
    if (this.counter >= Number.MAX_SAFE_INTEGER) this.counter = 0;
    return instances[this.counter++ % instances.length];
  }
}
