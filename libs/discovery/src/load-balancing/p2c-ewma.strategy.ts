import { ServiceInstance } from '../interfaces/service-instance.interface';
import { CallOutcome, LoadBalancingStrategy } from './load-balancing-strategy.interface';

interface InstanceLoad {
  ewmaMs: number;
  outstanding: number;
}

/** Latency charged for a failed call, so a failing instance looks slow rather than fast. */
const FAILURE_PENALTY_MS = 1000;

/**
 * Power of two choices: pick two distinct instances at random and keep the one with the lower
 * `ewma latency × (outstanding + 1)`. Cheap, and avoids the herding of a pure least-loaded pick.
 */
export class P2cEwmaStrategy implements LoadBalancingStrategy {
  private readonly loads = new Map<string, InstanceLoad>();

  /** @param alpha weight of the newest sample in the moving average (0–1). */
  constructor(
    private readonly alpha = 0.3,
    private readonly random: () => number = Math.random,
  ) {}

  select(instances: readonly ServiceInstance[]): ServiceInstance {
    const n = instances.length;
    const i = Math.floor(this.random() * n);
    let j = Math.floor(this.random() * (n - 1));
    if (j >= i) j++;
    const a = instances[i];
    const b = instances[j] ?? a;
    return this.score(b) < this.score(a) ? b : a;
  }

  onStart(instance: ServiceInstance): void {
    this.load(instance.id).outstanding++;
  }

  onEnd(instance: ServiceInstance, outcome: CallOutcome): void {
    const load = this.load(instance.id);
    if (load.outstanding > 0) load.outstanding--;
    const sample = outcome.ok ? outcome.latencyMs : Math.max(outcome.latencyMs, FAILURE_PENALTY_MS);
    load.ewmaMs = load.ewmaMs === 0 ? sample : load.ewmaMs + this.alpha * (sample - load.ewmaMs);
  }

  private score(instance: ServiceInstance): number {
    const load = this.loads.get(instance.id);
    // An instance never measured scores 0, so new instances get tried at once.
    return load ? load.ewmaMs * (load.outstanding + 1) : 0;
  }

  private load(id: string): InstanceLoad {
    let load = this.loads.get(id);
    if (!load) {
      load = { ewmaMs: 0, outstanding: 0 };
      this.loads.set(id, load);
    }
    return load;
  }
}
