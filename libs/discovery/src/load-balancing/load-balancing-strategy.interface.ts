import { ServiceInstance } from '../interfaces/service-instance.interface';

/** What a strategy knows about the call it picks an instance for. */
export interface SelectionContext {
  /** Service being called. */
  readonly service: string;
  /** 0 for the first try, 1 for the first retry, ... */
  readonly attempt: number;
}

/** Outcome reported to {@link LoadBalancingStrategy.onEnd}. */
export interface CallOutcome {
  readonly latencyMs: number;
  readonly ok: boolean;
}

/**
 * Picks one instance out of a pre-filtered, non-empty candidate list. Filtering (tags, metadata,
 * ejected instances, zone) happens before; a list of one never reaches the strategy.
 * One strategy object serves one service, so it may keep per-service state.
 *
 * @example
 * ```ts
 * class FirstStrategy implements LoadBalancingStrategy {
 *   select(instances: readonly ServiceInstance[]) { return instances[0]; }
 * }
 * DiscoveryModule.forRoot({ loadBalancing: new FirstStrategy() });
 * ```
 */
export interface LoadBalancingStrategy {
  select(instances: readonly ServiceInstance[], ctx: SelectionContext): ServiceInstance;
  /** Called when a call to `instance` starts. */
  onStart?(instance: ServiceInstance): void;
  /** Called when a call to `instance` ends, successfully or not. */
  onEnd?(instance: ServiceInstance, outcome: CallOutcome): void;
}
