import { InstanceFilter } from '../client/service-request.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { StrategySpec } from '../load-balancing/strategy.registry';

/**
 * One fast-lane client of `DiscoveryModule.forTcpClients`: the registered service it calls at each
 * instance's `tcp` endpoint, and its defaults.
 */
export interface TcpClientOptions {
  /** Injection name (`@InjectTcpClient(name)`). Default: `service`. */
  name?: string;
  /** The registered service. */
  service: string;
  /**
   * Patterns safe to repeat after a server may have run them (`true`: all): those are retried on another
   * instance after a lost connection, a timeout, 503 or 504. Others are retried only when they provably
   * never reached a server (connection refused, refused by a stopping server). Default none.
   */
  idempotent?: boolean | string[];
  /** Per-attempt timeout. Default the module's `timeoutMs` (5 s). */
  timeoutMs?: number;
  /** A budget over every attempt of a call, sent to the server; default none (the request's, if it has one). */
  deadlineMs?: number;
  /** Attempts after the first. Default the module's `retries` (2). */
  retries?: number;
  /** Load-balancing strategy. Default the module's `loadBalancing`. */
  loadBalancing?: StrategySpec;
  filter?: InstanceFilter;
}

/** Per-call settings of a fast-lane call, each overriding the client's. */
export interface TcpCallOptions {
  timeoutMs?: number;
  deadlineMs?: number;
  retries?: number;
  strategy?: StrategySpec;
  filter?: InstanceFilter;
  signal?: AbortSignal;
  /** Idempotent patterns only: a second attempt on another instance when the first has not answered by then. */
  hedgeAfterMs?: number;
  /** The request id sent in the frame; default the current request's (`RequestContext`). */
  requestId?: string;
}

/** What a call answered, and who answered it. */
export interface TcpCallResult<T = unknown> {
  readonly response: T;
  /** The instance that answered, at its `tcp` endpoint. */
  readonly instance: ServiceInstance;
  readonly attempts: number;
}
