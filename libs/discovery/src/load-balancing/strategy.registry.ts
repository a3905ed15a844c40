import { Type } from '@nestjs/common';
import { LoadBalancingStrategyName } from '../interfaces/discovery-options.interface';
import { LeastOutstandingStrategy } from './least-outstanding.strategy';
import { LoadBalancingStrategy } from './load-balancing-strategy.interface';
import { P2cEwmaStrategy } from './p2c-ewma.strategy';
import { RandomStrategy } from './random.strategy';
import { RoundRobinStrategy } from './round-robin.strategy';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

/** A strategy by built-in name, by class (one instance per service), or a ready object (shared). */
export type StrategySpec = LoadBalancingStrategyName | LoadBalancingStrategy | Type<LoadBalancingStrategy>;

/** Adding a strategy is one file plus one line here. */
const BUILT_IN: Record<LoadBalancingStrategyName, Type<LoadBalancingStrategy>> = {
  'round-robin': RoundRobinStrategy,
  random: RandomStrategy,
  weighted: WeightedRoundRobinStrategy,
  'least-outstanding': LeastOutstandingStrategy,
  'p2c-ewma': P2cEwmaStrategy,
};

/**
 * Hands out strategy objects, one per (service, strategy), so each keeps its own per-service state.
 * @internal
 */
export class StrategyRegistry {
  private readonly byService = new Map<string, Map<unknown, LoadBalancingStrategy>>();

  /** Fails fast on an unknown name, so a typo surfaces at startup rather than on the first call. */
  static validate(spec: StrategySpec): void {
    if (typeof spec === 'string' && !(spec in BUILT_IN)) {
      throw new Error(
        `Unknown loadBalancing strategy "${spec}"; expected one of ${Object.keys(BUILT_IN).join(', ')} or a LoadBalancingStrategy`,
      );
    }
  }

  get(service: string, spec: StrategySpec): LoadBalancingStrategy {
    if (typeof spec === 'object') return spec;
    let strategies = this.byService.get(service);
    if (!strategies) {
      strategies = new Map();
      this.byService.set(service, strategies);
    }
    let strategy = strategies.get(spec);
    if (!strategy) {
      StrategyRegistry.validate(spec);
      const StrategyClass = typeof spec === 'string' ? BUILT_IN[spec] : spec;
      strategy = new StrategyClass();
      strategies.set(spec, strategy);
    }
    return strategy;
  }
}
