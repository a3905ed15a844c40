import { ServiceInstance } from '../interfaces/service-instance.interface';
import { LoadBalancingStrategy } from './load-balancing-strategy.interface';

/**
 * Smooth weighted round-robin (nginx): every pick adds each instance's `weight` to its running
 * score, takes the highest, and subtracts the total from the winner. Over one cycle each instance
 * is picked exactly `weight` times, and heavy instances are interleaved rather than bunched.
 */
export class WeightedRoundRobinStrategy implements LoadBalancingStrategy {
  private readonly current = new Map<string, number>();

  select(instances: readonly ServiceInstance[]): ServiceInstance {
    let total = 0;
    let best: ServiceInstance | undefined;
    let bestScore = -Infinity;
    for (const instance of instances) {
      const weight = instance.weight > 0 ? instance.weight : 1;
      const score = (this.current.get(instance.id) ?? 0) + weight;
      this.current.set(instance.id, score);
      total += weight;
      if (score > bestScore) {
        bestScore = score;
        best = instance;
      }
    }
    const chosen = best ?? instances[0];
    this.current.set(chosen.id, bestScore - total);
    // Scores of instances that left would otherwise accumulate forever.
    if (this.current.size > instances.length * 2) this.prune(instances);
    return chosen;
  }

  private prune(instances: readonly ServiceInstance[]): void {
    const live = new Set(instances.map((i) => i.id));
    for (const id of this.current.keys()) if (!live.has(id)) this.current.delete(id);
  }
}
