import { ServiceInstance } from '../interfaces/service-instance.interface';
import type { TraceHeaders } from '../tracing/call-tracing';
import { AttemptResult } from './attempt-result';

/** What the pipeline hands an adapter for one attempt. @internal */
export interface AttemptOptions {
  /** This attempt's timeout: the call's own, or what remains of its deadline when that is less. */
  readonly timeoutMs: number;
  /** Absolute deadline (ms since the epoch) of the whole call; `Infinity` when it has none. */
  readonly deadline: number;
  /** The caller's signal, or a hedged attempt's own (aborted when the other attempt won). */
  readonly signal?: AbortSignal;
  /** 0 for the first attempt. */
  readonly attempt: number;
  /** The attempt's trace context to send (`traceparent`, …) while tracing; undefined otherwise. */
  readonly trace?: TraceHeaders;
}

/**
 * One protocol's part of a call — how to send an attempt to an instance and how to classify what came
 * back — while the {@link CallPipeline} does the rest (selection, ejection, metrics, deadline, retries,
 * retry budget, hedging). HTTP buffered, HTTP streamed and gRPC unary are each one small adapter. @internal
 */
export interface CallAdapter<A, R> {
  /** Sends one attempt; resolves with the raw answer, rejects with whatever the transport threw. */
  send(instance: ServiceInstance, options: AttemptOptions): Promise<A>;
  /** An answer, classified. */
  classify(answer: A, instance: ServiceInstance, options: AttemptOptions): AttemptResult<R>;
  /** A transport failure (or the caller's abort), classified. */
  classifyError(error: unknown, instance: ServiceInstance, options: AttemptOptions): AttemptResult<R>;
}
