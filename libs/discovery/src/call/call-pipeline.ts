import { InstanceSelector } from '../client/instance-selector';
import { DeadlineExceededError } from '../errors/deadline-exceeded.error';
import { NoAvailableInstanceError } from '../errors/no-available-instance.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { RetryBackoff } from '../resilience/retry.policy';
import { RetryBudget, RetryBudgetOptions } from '../resilience/retry-budget';
import { AttemptTrace, CallTrace, CallTracing } from '../tracing/call-tracing';
import { EVENT } from '../tracing/span-attributes';
import { AttemptResult } from './attempt-result';
import { AttemptOptions, CallAdapter } from './call-adapter.interface';
import { CallSpec } from './call-spec';

/** The machinery a pipeline runs on: one per client kind (HTTP, gRPC), each with its own circuits. @internal */
export interface PipelineRuntime {
  readonly source: InstanceSource;
  readonly selector: InstanceSelector;
  readonly ejection: OutlierEjection;
  readonly backoff: RetryBackoff;
  readonly retryBudget: RetryBudgetOptions;
  /** The calls' spans, when an OpenTelemetry SDK is registered; undefined: none, at no cost. */
  readonly tracing?: CallTracing;
}

/** What the call ended with, and how many attempts it sent. @internal */
export interface PipelineResult<R> {
  readonly value: R;
  readonly instance: ServiceInstance;
  readonly attempts: number;
}

/** The per-call state of the loop: one object per call. */
interface CallState {
  attempt: number;
  sent: number;
  tried: ServiceInstance[] | undefined;
  backoff: Awaited<ReturnType<RetryBackoff['wait']>>;
  /** The call's span, while tracing. */
  trace: CallTrace | undefined;
}

/**
 * The one call loop of every client — HTTP buffered, HTTP streamed, gRPC unary: select an instance → send
 * (the protocol's {@link CallAdapter}) → classify → account (circuit, strategy, metrics) → retry or return.
 * While an OpenTelemetry SDK is registered, the call and each attempt get a span (`runtime.tracing`, the one
 * place that makes them), each attempt sending its span's context on; otherwise that costs one field check.
 * It also keeps the call within its deadline (each attempt's timeout is the smaller of its own and what
 * remains; a call whose budget is spent fails at once with {@link DeadlineExceededError}, unsent), within
 * the service's retry budget, and hedges idempotent calls that ask for it. @internal
 */
export class CallPipeline {
  private readonly budgets = new Map<string, RetryBudget>();

  constructor(private readonly runtime: PipelineRuntime) {}

  run<A, R>(spec: CallSpec, adapter: CallAdapter<A, R>): Promise<PipelineResult<R>> {
    const tracing = this.runtime.tracing;
    if (tracing === undefined) return this.loop(spec, adapter, undefined);
    const trace = tracing.start(spec);
    return trace.end(this.loop(spec, adapter, trace));
  }

  private async loop<A, R>(spec: CallSpec, adapter: CallAdapter<A, R>, trace: CallTrace | undefined): Promise<PipelineResult<R>> {
    const budget = this.budgetOf(spec.service);
    budget.called();
    const state: CallState = { attempt: 0, sent: 0, tried: undefined, backoff: undefined, trace };
    let lastError: unknown;
    for (;;) {
      const remaining = spec.deadline - Date.now();
      if (remaining <= 0) {
        spec.metrics?.attempt('', 'timeout', 0);
        throw new DeadlineExceededError(spec.service, state.sent, lastError === undefined ? undefined : { cause: lastError });
      }
      // Known instances are read synchronously: no promise per call for the common case.
      const candidates = this.runtime.source.cached?.(spec.service) ?? (await this.runtime.source.instances(spec.service));
      const instance = this.runtime.selector.select(spec.service, candidates, spec.strategy, spec.filter, state.tried, state.attempt);
      if (instance === undefined) {
        // Nothing was sent: waiting for an instance to appear is safe for any call.
        if (state.attempt < spec.retries) {
          state.attempt++;
          spec.metrics?.retried();
          state.trace?.event(EVENT.waitForInstance, state.attempt);
          state.backoff = await this.runtime.backoff.wait(state.backoff);
          continue;
        }
        spec.metrics?.noInstance();
        throw new NoAvailableInstanceError(spec.service, this.runtime.selector.explain(candidates, spec.filter));
      }
      const hedging = spec.hedgeAfterMs !== undefined && spec.idempotent && state.attempt < spec.retries;
      const span = hedging ? undefined : state.trace?.attempt(instance, state.attempt, false);
      const options: AttemptOptions = {
        timeoutMs: Math.min(spec.timeoutMs, remaining),
        deadline: spec.deadline,
        signal: spec.signal,
        attempt: state.attempt,
        trace: span?.headers,
      };
      let result: AttemptResult<R>;
      let from = instance;
      if (hedging) {
        [result, from] = await this.hedged(spec, adapter, instance, options, candidates, state, budget);
      } else {
        // The plain attempt inline, not through attempt(): one promise less per call on the hot path.
        const started = this.begin(spec, instance, state);
        try {
          result = adapter.classify(await adapter.send(instance, options), instance, options);
        } catch (error) {
          result = adapter.classifyError(error, instance, options);
        }
        this.settle(spec, instance, result, started, span);
      }
      // An answer ends the call, unless it is one another instance may better (a proxied 503) and a retry is allowed.
      if (result.answered) {
        if (!(result.retryable && this.mayRetry(spec, result, from, state, budget))) {
          return { value: result.value as R, instance: from, attempts: state.sent };
        }
      } else {
        lastError = result.error;
        if (!this.mayRetry(spec, result, from, state, budget)) throw result.error;
      }
      result.discard?.();
      state.backoff = await this.runtime.backoff.wait(state.backoff);
    }
  }

  /** One attempt on `instance` (of a hedged pair): sent, classified and accounted. */
  private async attempt<A, R>(
    spec: CallSpec,
    adapter: CallAdapter<A, R>,
    instance: ServiceInstance,
    attemptOptions: AttemptOptions,
    state: CallState,
    hedge: boolean,
  ): Promise<AttemptResult<R>> {
    const span = state.trace?.attempt(instance, attemptOptions.attempt, hedge);
    const options = span === undefined ? attemptOptions : { ...attemptOptions, trace: span.headers };
    const started = this.begin(spec, instance, state);
    let result: AttemptResult<R>;
    try {
      result = adapter.classify(await adapter.send(instance, options), instance, options);
    } catch (error) {
      result = adapter.classifyError(error, instance, options);
    }
    this.settle(spec, instance, result, started, span);
    return result;
  }

  /** An attempt starts: the instance's in-flight count and the strategy hear of it; the clock is read if anyone times it. */
  private begin(spec: CallSpec, instance: ServiceInstance, state: CallState): number {
    // Only latency-aware strategies and metrics pay for the clock.
    const started = spec.strategy.onEnd || spec.metrics ? performance.now() : 0;
    this.runtime.ejection.acquire(instance.id);
    spec.strategy.onStart?.(instance);
    state.sent++;
    return started;
  }

  /** Accounts the attempt now, or once its answer's body is done. */
  private settle<R>(spec: CallSpec, instance: ServiceInstance, result: AttemptResult<R>, started: number, span: AttemptTrace | undefined): void {
    if (result.inFlightUntil) void result.inFlightUntil.then(() => this.account(spec, instance, result, started, span));
    else this.account(spec, instance, result, started, span);
  }

  /** Counts an attempt for or against its instance: circuit, strategy, metrics, and ends its span. */
  private account<R>(spec: CallSpec, instance: ServiceInstance, result: AttemptResult<R>, started: number, span: AttemptTrace | undefined): void {
    const { ejection } = this.runtime;
    if (result.healthy === undefined) ejection.release(instance.id);
    else if (result.healthy) ejection.onSuccess(instance.id);
    else if (ejection.onFailure(instance.id)) {
      spec.metrics?.ejected();
      span?.ejected();
    }
    spec.strategy.onEnd?.(instance, { latencyMs: started ? performance.now() - started : 0, ok: result.healthy !== false });
    spec.metrics?.attempt(instance.id, result.outcome, started);
    span?.end(result);
  }

  /** Whether to try another instance after `result`; counts the retry when it says yes. */
  private mayRetry<R>(spec: CallSpec, result: AttemptResult<R>, instance: ServiceInstance, state: CallState, budget: RetryBudget): boolean {
    if (result.cancelled || !(result.retryable || result.neverSent)) return false;
    if (state.attempt >= spec.retries || !(spec.idempotent || result.neverSent)) return false;
    if (Date.now() >= spec.deadline) return false;
    if (!budget.tryRetry()) {
      spec.metrics?.retryRefused();
      state.trace?.event(EVENT.retryRefused, state.attempt);
      return false;
    }
    state.attempt++;
    (state.tried ??= []).push(instance);
    spec.metrics?.retried();
    state.trace?.event(EVENT.retry, state.attempt);
    return true;
  }

  /**
   * A hedged attempt: the first on `first`; when it has not answered after `hedgeAfterMs`, a second on
   * another instance (if the retry budget allows); the first answer wins, the other is cancelled. Both
   * failing ends like one failed attempt (the later failure), and the loop decides about retrying.
   */
  private async hedged<A, R>(
    spec: CallSpec,
    adapter: CallAdapter<A, R>,
    first: ServiceInstance,
    options: AttemptOptions,
    candidates: readonly ServiceInstance[],
    state: CallState,
    budget: RetryBudget,
  ): Promise<[AttemptResult<R>, ServiceInstance]> {
    const controllers = [new AbortController(), new AbortController()];
    const signalFor = (i: number): AbortSignal =>
      spec.signal ? AbortSignal.any([spec.signal, controllers[i].signal]) : controllers[i].signal;
    const racers: Array<Promise<[AttemptResult<R>, ServiceInstance, number]>> = [
      this.attempt(spec, adapter, first, { ...options, signal: signalFor(0) }, state, false).then((r) => [r, first, 0]),
    ];
    let timer: NodeJS.Timeout | undefined;
    const hedge = new Promise<'hedge'>((resolve) => {
      timer = setTimeout(() => resolve('hedge'), spec.hedgeAfterMs);
    });
    const early = await Promise.race([racers[0], hedge]);
    clearTimeout(timer);
    if (early !== 'hedge') return [early[0], early[1]];
    const tried = [...(state.tried ?? []), first];
    const second = this.runtime.selector.select(spec.service, candidates, spec.strategy, spec.filter, tried, state.attempt + 1);
    if (second === undefined || second.id === first.id || !budget.tryRetry()) {
      const [result, instance] = await racers[0];
      return [result, instance];
    }
    spec.metrics?.hedged();
    state.attempt++;
    state.trace?.event(EVENT.hedge, state.attempt);
    (state.tried ??= []).push(first);
    const remaining = Math.max(1, spec.deadline - Date.now());
    const hedgeOptions = { ...options, timeoutMs: Math.min(spec.timeoutMs, remaining), signal: signalFor(1), attempt: state.attempt };
    racers.push(this.attempt(spec, adapter, second, hedgeOptions, state, true).then((r) => [r, second, 1]));
    // The first answer wins; a failure waits for the other attempt.
    const pending = new Set(racers);
    let last: [AttemptResult<R>, ServiceInstance, number] | undefined;
    while (pending.size > 0) {
      const settled = await Promise.race([...pending].map((racer) => racer.then((value) => ({ racer, value }))));
      pending.delete(settled.racer);
      last = settled.value;
      if (last[0].answered) {
        const loser = 1 - last[2];
        controllers[loser].abort();
        // The loser's answer, if one still comes, is nobody's: release it.
        for (const racer of pending) void racer.then(([result]) => (result.answered ? result.discard?.() : undefined));
        return [last[0], last[1]];
      }
    }
    return [last![0], last![1]];
  }

  private budgetOf(service: string): RetryBudget {
    let budget = this.budgets.get(service);
    if (budget === undefined) {
      budget = new RetryBudget(this.runtime.retryBudget);
      this.budgets.set(service, budget);
    }
    return budget;
  }
}
