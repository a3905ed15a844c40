import { LoadBalancingStrategy } from '../load-balancing/load-balancing-strategy.interface';
import { ServiceCallMetrics } from '../metrics/service-call.metrics';
import { InstanceFilter } from '../client/service-request.interface';

/** One logical call as the pipeline runs it, whatever its protocol. @internal */
export interface CallSpec {
  readonly service: string;
  /** What is called, as spans name it: the HTTP method, or the gRPC method's path (`/calc.Calculator/Add`). */
  readonly operation?: string;
  /** Safe to repeat after the request may have reached a server. */
  readonly idempotent: boolean;
  /** Attempts after the first (on another instance, while that is safe). */
  readonly retries: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  /** Absolute deadline over every attempt (the caller's own budget, or what its request has left); `Infinity`: none. */
  readonly deadline: number;
  readonly strategy: LoadBalancingStrategy;
  readonly filter?: InstanceFilter;
  readonly signal?: AbortSignal;
  /** Idempotent calls only: start a second attempt on another instance when the first has not answered by then. */
  readonly hedgeAfterMs?: number;
  readonly metrics?: ServiceCallMetrics;
}
