import { Metadata } from '@grpc/grpc-js';
import { CallPipeline } from '../call/call-pipeline';
import { CallSpec } from '../call/call-spec';
import { callDeadline } from '../call/deadline';
import { chainInterceptors } from '../call/interceptor-chain';
import { InstanceFilter } from '../client/service-request.interface';
import { StrategyRegistry, StrategySpec } from '../load-balancing/strategy.registry';
import { DiscoveryMetrics } from '../metrics/discovery.metrics';
import { GrpcChannelPool } from './channel-pool';
import { GrpcCallOptions } from './grpc-client-options.interface';
import { GrpcMethodName, GrpcRequest, GrpcResponse } from './grpc-contract.types';
import { GrpcCallContext, GrpcCallResult, GrpcClientInterceptor } from './grpc-interceptor.interface';
import { toMetadata } from './grpc-metadata';
import { GrpcUnaryAdapter } from './grpc-unary.adapter';
import { LoadedMethod } from './proto-definition.loader';

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
  readonly pipeline: CallPipeline;
  readonly strategies: StrategyRegistry;
  readonly channels: GrpcChannelPool;
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
  private readonly invoke: (ctx: GrpcCallContext) => Promise<GrpcCallResult>;

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
    // The smaller of its own deadline and what the request being handled has left.
    const deadline = callDeadline(options.deadlineMs ?? this.settings.deadlineMs);
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

  /** The load-balanced call itself, through the pipeline HTTP calls run on too. */
  private async send(ctx: GrpcCall): Promise<GrpcCallResult> {
    const { options } = ctx;
    const spec: CallSpec = {
      service: ctx.service,
      operation: ctx.path,
      idempotent: ctx.idempotent,
      retries: options.retries ?? this.settings.retries,
      // gRPC's deadline covers every attempt: no per-attempt timeout of its own.
      timeoutMs: Infinity,
      deadline: ctx.deadline,
      strategy: this.runtime.strategies.get(ctx.service, options.strategy ?? this.settings.loadBalancing),
      filter: options.filter ?? this.settings.filter,
      signal: options.signal,
      hedgeAfterMs: options.hedgeAfterMs,
      metrics: this.runtime.metrics?.client(ctx.service, 'grpc'),
    };
    const adapter = new GrpcUnaryAdapter(this.runtime.channels, ctx.service, ctx.compiled.definition, ctx.request, ctx.metadata);
    const { value, instance, attempts } = await this.runtime.pipeline.run(spec, adapter);
    return { response: value.response, headers: value.headers, trailers: value.trailers, instance, attempts };
  }
}
