import { NoAvailableInstanceError } from '../errors/no-available-instance.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { LoadBalancingStrategy } from '../load-balancing/load-balancing-strategy.interface';
import { ServiceCallMetrics } from '../metrics/service-call.metrics';
import { InstanceSelector } from './instance-selector';
import { InstanceFilter } from './service-request.interface';

/**
 * The per-call state a retry loop carries, shared by the HTTP and the gRPC call paths: one object
 * per call instead of a closure. @internal
 */
export interface CallAttempt {
  readonly service: string;
  /** Safe to repeat after the request may have reached a server. */
  readonly idempotent: boolean;
  readonly retries: number;
  readonly strategy: LoadBalancingStrategy;
  /** 0 for the first try, then one more per retry. */
  attempt: number;
  /** Instances already tried in this call, avoided while others remain. */
  tried: ServiceInstance[] | undefined;
  /** Where the call's attempts, retries and ejections are counted; absent when metrics are off. */
  readonly metrics?: ServiceCallMetrics;
}

/**
 * Selects an instance for the next attempt, or returns undefined when the loop should back off and
 * try again (nothing was sent, so even a non-idempotent call may); throws
 * {@link NoAvailableInstanceError} once out of retries. @internal
 */
export function pickInstance(
  selector: InstanceSelector,
  call: CallAttempt,
  candidates: readonly ServiceInstance[],
  filter: InstanceFilter | undefined,
): ServiceInstance | undefined {
  const instance = selector.select(call.service, candidates, call.strategy, filter, call.tried, call.attempt);
  if (instance) return instance;
  if (call.attempt < call.retries) {
    call.attempt++;
    call.metrics?.retried();
    return undefined;
  }
  call.metrics?.noInstance();
  throw new NoAvailableInstanceError(call.service, selector.explain(candidates, filter));
}

/**
 * Whether to try another instance after a failure: attempts remain and it is safe (the call is
 * idempotent, or the failure proves nothing was sent). Counts the attempt when it says yes. @internal
 */
export function mayRetry(call: CallAttempt, instance: ServiceInstance, neverSent: boolean): boolean {
  if (call.attempt >= call.retries || !(call.idempotent || neverSent)) return false;
  call.attempt++;
  (call.tried ??= []).push(instance);
  call.metrics?.retried();
  return true;
}
