import { Metadata, status as GrpcStatus, StatusObject } from '@grpc/grpc-js';
import { CallAttempt, mayRetry, pickInstance } from '../client/call-attempt';
import { InstanceSelector } from '../client/instance-selector';
import { InstanceFilter } from '../client/service-request.interface';
import { RemoteGrpcError } from '../errors/remote-grpc.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { StrategyRegistry, StrategySpec } from '../load-balancing/strategy.registry';
import { grpcOutcome } from '../metrics/call-outcome';
import { DiscoveryMetrics } from '../metrics/discovery.metrics';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { grpcNeverSent, grpcStatusAsHttp, isFailureStatus, isRetryableStatus, RetryBackoff } from '../resilience/retry.policy';
import { GrpcChannelPool } from './channel-pool';
import { GrpcCallOptions } from './grpc-client-options.interface';
import { GrpcMethodName, GrpcRequest, GrpcResponse } from './grpc-contract.types';
import { GrpcCallContext, GrpcCallResult, GrpcClientInterceptor } from './grpc-interceptor.interface';
import { toMetadata } from './grpc-metadata';
import { chainInterceptors, GrpcInvoke } from './interceptor-chain';
import { LoadedMethod } from './proto-definition.loader';
import { SERIALIZATION_FAILURE, unaryAttempt } from './unary-attempt';

/** A unary method, resolved once at client creation. @internal */
export interface CompiledGrpcMethod {
  readonly definition: LoadedMethod;
  readonly idempotent: boolean;
}

/** One client's settings, defaults merged. @internal */
export interface GrpcClientSettings {
  readonly service: string;
  readonly grpcService: string;
  readonly methods: ReadonlyMap<string, CompiledGrpcMethod>;
  readonly deadlineMs: number;
  readonly retries: number;
  readonly loadBalancing: StrategySpec;
  readonly filter: InstanceFilter | undefined;
  /** Module interceptors, then the client's: outermost first. */
  readonly interceptors: readonly GrpcClientInterceptor[];
}

/** The shared machinery every gRPC client runs on, from the module. @internal */
export interface GrpcClientRuntime {
  readonly source: InstanceSource;
  readonly selector: InstanceSelector;
  readonly ejection: OutlierEjection;
  readonly strategies: StrategyRegistry;
  readonly channels: GrpcChannelPool;
  readonly backoff: RetryBackoff;
  /** Absent in tests that build a runtime by hand. */
  readonly metrics?: DiscoveryMetrics;
}

/** The context interceptors see, carrying what the terminal call needs. */
class GrpcCall implements GrpcCallContext {
  constructor(
    readonly service: string,
    readonly grpcService: string,
    readonly method: string,
    readonly compiled: CompiledGrpcMethod,
    public request: unknown,
    readonly metadata: Metadata,
    public deadline: number,
    readonly options: GrpcCallOptions,
  ) {}

  get path(): string {
    return this.compiled.definition.path;
  }

  get idempotent(): boolean {
    return this.compiled.idempotent;
  }
}

/**
 * A load-balanced gRPC client of one registered service, typed by the generated service definition
 * `D` (e.g. `CalculatorDefinition`). Each call resolves the service's instances from the instance
 * cache, each at its named `grpc` endpoint (see `ProtocolView`), goes through the same selection,
 * strategies, outlier ejection and retry rules as HTTP calls, and runs on the endpoint's pooled
 * channel with a deadline covering all its attempts.
 *
 * Retries, on another instance: UNAVAILABLE (and DEADLINE_EXCEEDED, while the deadline leaves time)
 * for methods declared idempotent; any method when the call provably never left (no connection).
 * UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN and DATA_LOSS count against the instance; the
 * caller's errors (INVALID_ARGUMENT, NOT_FOUND, ...) never do. A failed call throws
 * {@link RemoteGrpcError}, or {@link NoAvailableInstanceError} when no instance speaks gRPC.
 *
 * @example
 * ```ts
 * constructor(@InjectGrpcClient('calc') private readonly calc: GrpcServiceClient<CalculatorDefinition>) {}
 * async add(a: number, b: number) {
 *   const { result } = await this.calc.call('Add', { a, b }, { deadlineMs: 500 });
 *   return result;
 * }
 * ```
 */
export class GrpcServiceClient<D = unknown> {
  private readonly invoke: GrpcInvoke;

  /** @internal Built by {@link GrpcClientFactory}. */
  constructor(
    private readonly settings: GrpcClientSettings,
    private readonly runtime: GrpcClientRuntime,
  ) {
    this.invoke = chainInterceptors(settings.interceptors, (ctx) => this.send(ctx as GrpcCall));
  }

  /** Registered service name this client resolves. */
  get service(): string {
    return this.settings.service;
  }

  /** Proto method names this client can call. */
  get methods(): string[] {
    return [...this.settings.methods.keys()];
  }

  /** Calls `method` and returns its response. */
  async call<M extends GrpcMethodName<D>>(
    method: M,
    request: GrpcRequest<D, M>,
    options?: GrpcCallOptions,
  ): Promise<GrpcResponse<D, M>> {
    return (await this.callWithMetadata(method, request, options)).response;
  }

  /** Calls `method` and returns its response with the server's headers and trailers, and who answered. */
  async callWithMetadata<M extends GrpcMethodName<D>>(
    method: M,
    request: GrpcRequest<D, M>,
    options: GrpcCallOptions = {},
  ): Promise<GrpcCallResult<GrpcResponse<D, M>>> {
    const compiled = this.settings.methods.get(method);
    if (compiled === undefined) throw new TypeError(`${this.settings.grpcService} has no unary method "${method}"`);
    const deadline = Date.now() + (options.deadlineMs ?? this.settings.deadlineMs);
    const ctx = new GrpcCall(
      this.settings.service,
      this.settings.grpcService,
      method,
      compiled,
      request,
      toMetadata(options.metadata),
      deadline,
      options,
    );
    return this.invoke(ctx) as Promise<GrpcCallResult<GrpcResponse<D, M>>>;
  }

  /** The load-balanced call: select, send, and retry elsewhere while that is safe. */
  private async send(ctx: GrpcCall): Promise<GrpcCallResult> {
    const { options } = ctx;
    const { source, selector, ejection, strategies, channels, backoff: retryBackoff } = this.runtime;
    const call: CallAttempt = {
      service: ctx.service,
      idempotent: ctx.idempotent,
      retries: options.retries ?? this.settings.retries,
      strategy: strategies.get(ctx.service, options.strategy ?? this.settings.loadBalancing),
      attempt: 0,
      tried: undefined,
      metrics: this.runtime.metrics?.client(ctx.service, 'grpc'),
    };
    const filter = options.filter ?? this.settings.filter;
    let sent = 0;
    let backoff;
    for (;;) {
      const candidates = await source.instances(ctx.service);
      const instance = pickInstance(selector, call, candidates, filter);
      if (!instance) {
        backoff = await retryBackoff.wait(backoff);
        continue;
      }
      // Only latency-aware strategies pay for the clock.
      const started = call.strategy.onEnd || call.metrics ? performance.now() : 0;
      ejection.acquire(instance.id);
      call.strategy.onStart?.(instance);
      sent++;
      try {
        const answer = await unaryAttempt(channels.get(instance), ctx.compiled.definition, ctx.request, ctx.metadata, ctx.deadline, options.signal);
        ejection.onSuccess(instance.id);
        call.strategy.onEnd?.(instance, { latencyMs: performance.now() - started, ok: true });
        call.metrics?.attempt(instance.id, 'success', started);
        return { response: answer.response, headers: answer.headers, trailers: answer.trailers, instance, attempts: sent };
      } catch (error) {
        const failure = error as Partial<StatusObject> & { message?: string };
        const code = typeof failure.code === 'number' ? failure.code : GrpcStatus.INTERNAL;
        const details = failure.details ?? failure.message ?? '';
        const latencyMs = started ? performance.now() - started : 0;
        call.metrics?.attempt(instance.id, grpcOutcome(code, details, options.signal), started);
        if (options.signal?.aborted || details.startsWith(SERIALIZATION_FAILURE)) {
          // The caller gave up, or sent what cannot be encoded: says nothing about the instance.
          ejection.release(instance.id);
          call.strategy.onEnd?.(instance, { latencyMs, ok: false });
          throw this.failed(ctx, instance, code, details, failure.metadata);
        }
        const asHttp = grpcStatusAsHttp(code);
        const ok = !isFailureStatus(asHttp);
        if (ok) ejection.onSuccess(instance.id);
        else if (ejection.onFailure(instance.id)) call.metrics?.ejected();
        call.strategy.onEnd?.(instance, { latencyMs, ok });
        const neverSent = grpcNeverSent(code, details);
        const worthRetrying = (neverSent || isRetryableStatus(asHttp)) && Date.now() < ctx.deadline;
        if (worthRetrying && mayRetry(call, instance, neverSent)) {
          backoff = await retryBackoff.wait(backoff);
          continue;
        }
        throw this.failed(ctx, instance, code, details, failure.metadata);
      }
    }
  }

  private failed(ctx: GrpcCall, instance: ServiceInstance, code: number, details: string, trailers: Metadata | undefined): RemoteGrpcError {
    return new RemoteGrpcError(ctx.service, ctx.path, instance, code, details, trailers ?? new Metadata());
  }
}
