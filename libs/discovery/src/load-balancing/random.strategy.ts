import { ServiceInstance } from '../interfaces/service-instance.interface';
import { LoadBalancingStrategy } from './load-balancing-strategy.interface';

/** A uniformly random instance. */
export class RandomStrategy implements LoadBalancingStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  select(instances: readonly ServiceInstance[]): ServiceInstance {
    return instances[Math.floor(this.random() * instances.length)];
  }
}
