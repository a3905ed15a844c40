import { Inject, Injectable, Optional } from '@nestjs/common';
import { CallPipeline } from '../call/call-pipeline';
import { protocolPipeline } from '../call/protocol-pipeline';
import { CallSpec } from '../call/call-spec';
import { callDeadline } from '../call/deadline';
import { chainInterceptors } from '../call/interceptor-chain';
import { DISCOVERY_CONFIG, INSTANCE_SOURCE } from '../discovery.constants';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { DiscoveryMetrics } from '../metrics/discovery.metrics';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { isIdempotent } from '../resilience/retry.policy';
import { HttpCallContext, HttpCallResult, HttpClientInterceptor } from './http-interceptor.interface';
import { HttpRequestAdapter } from './http-request.adapter';
import { HttpStreamAdapter } from './http-stream.adapter';
import { HTTP_TRANSPORT, HttpTransport, TransportHeaders } from './http-transport.interface';
import { HTTP_PROTOCOLS, ProtocolView } from './protocol-view';
import { endToEndHeaders } from './end-to-end-headers';
import { buildPath, encodeBody } from './request-builder';
import { ServiceCallOptions, ServiceRequest, ServiceStreamRequest, ServiceStreamResponse } from './service-request.interface';

export type { HttpMethod, ServiceRequest, ServiceStreamRequest, ServiceStreamResponse } from './service-request.interface';

type Invoke = (ctx: HttpCall) => Promise<HttpCallResult>;

const valueOf = <T>(result: { value: T }): T => result.value;
const responseOf = (result: HttpCallResult): unknown => result.response;

/** The context interceptors see, carrying what the terminal call needs. */
class HttpCall implements HttpCallContext {
  constructor(
    readonly service: string,
    readonly method: string,
    readonly path: string,
    readonly kind: 'request' | 'stream',
    readonly idempotent: boolean,
    public headers: TransportHeaders,
    public body: unknown,
    public timeoutMs: number,
    readonly options: ServiceCallOptions,
  ) {}
}

/**
 * Calls other services by name over HTTP: resolves their instances (at their http/https address) from the
 * registry-backed cache, load-balances, times out, retries on another instance when that is safe, and
 * ejects failing instances — all in the one call pipeline the gRPC clients run on too.
 *
 * Retries: idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried on connection errors,
 * timeouts and 502/503/504; any method is retried when the failure proves nothing was sent
 * (connection refused, no instance available); retries per service stay within the retry budget.
 *
 * Deadline: a call made while handling a request that brought a budget (`x-timeout-ms`, see
 * {@link useRequestContext}) times out by then and sends on what remains; one whose budget is spent
 * fails at once with `DeadlineExceededError`, unsent. Request id: the request's id goes along as
 * `x-request-id`, unless `headers` carry one.
 *
 * @example
 * ```ts
 * constructor(private readonly services: ServiceClient) {}
 * add(a: number, b: number) {
 *   return this.services.request<{ result: number }>({ service: 'calc', path: `/add/${a}/${b}` });
 * }
 * ```
 */
@Injectable()
export class ServiceClient {
  private readonly pipeline: CallPipeline;
  private readonly invoke: Invoke;
  /** No module interceptors: a call without its own skips the interceptor chain. */
  private readonly plain: boolean;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    @Inject(INSTANCE_SOURCE) private readonly source: InstanceSource,
    @Inject(HTTP_TRANSPORT) private readonly transport: HttpTransport,
    ejection: OutlierEjection,
    private readonly strategies: StrategyRegistry,
    @Optional() private readonly metrics?: DiscoveryMetrics,
  ) {
    StrategyRegistry.validate(config.loadBalancing);
    this.pipeline = protocolPipeline(config, source, ejection, new ProtocolView(HTTP_PROTOCOLS), 'http');
    this.invoke = this.chain([]);
    this.plain = config.http.interceptors.length === 0;
  }

  /**
   * Declares that the app calls `service`, so the registry watch follows it from now on rather than from
   * its first call (declarative clients and the gateway's routes do it at start). A service never declared
   * is followed from its first call anyway.
   *
   * @example
   * services.subscribe('orders');
   */
  subscribe(service: string): void {
    this.source.subscribe?.(service);
  }

  /**
   * Sends one call and returns the parsed answer: JSON when the content-type says so, else text;
   * `undefined` for 204. Non-2xx answers throw {@link RemoteHttpError}.
   */
  request<T = unknown>(req: ServiceRequest): Promise<T> {
    // Not an async function: the pipeline's promise mapped once, as each promise pays the request context's hooks.
    try {
      const { body, headers } = encodeBody(req.body, req.headers);
      if (this.plain && (req.interceptors === undefined || req.interceptors.length === 0)) {
        // No interceptor anywhere: straight into the pipeline, without a context object or a result wrapper.
        const method = req.method ?? 'GET';
        const path = buildPath(req.path, req.query);
        const timeoutMs = req.timeoutMs ?? this.config.timeoutMs;
        const adapter = new HttpRequestAdapter<T>(this.transport, req.service, method, path, headers, body);
        return this.pipeline.run(this.spec(req, method, timeoutMs), adapter).then(valueOf);
      }
      return this.call(req, 'request', headers, body).then(responseOf) as Promise<T>;
    } catch (error) {
      // A body that cannot be encoded fails the call like any other error: as a rejection.
      return Promise.reject(error);
    }
  }

  /**
   * Sends one call without buffering either body, for reverse proxies. Upstream statuses are
   * returned, not thrown; only 502/503/504 on an idempotent, replayable call are first retried on
   * another instance. The timeout covers the wait for the answer's headers; the body may then
   * take as long as it streams (undici's idle body timeout still applies).
   */
  async stream(req: ServiceStreamRequest): Promise<ServiceStreamResponse> {
    return (await this.call(req, 'stream', req.headers && endToEndHeaders(req.headers), req.body)).response as ServiceStreamResponse;
  }

  private call(req: ServiceCallOptions, kind: 'request' | 'stream', headers: TransportHeaders | undefined, body: unknown): Promise<HttpCallResult> {
    const method = req.method ?? 'GET';
    const ctx = new HttpCall(
      req.service,
      method,
      buildPath(req.path, req.query),
      kind,
      isIdempotent(method),
      headers ?? {},
      body,
      req.timeoutMs ?? this.config.timeoutMs,
      req,
    );
    const invoke = req.interceptors && req.interceptors.length > 0 ? this.chain(req.interceptors) : this.invoke;
    return invoke(ctx);
  }

  /** The module's interceptors (outermost), then a client's or a call's own, around the pipeline. */
  private chain(own: readonly HttpClientInterceptor[]): Invoke {
    const interceptors = [...this.config.http.interceptors, ...own];
    return chainInterceptors<HttpCall, HttpCallResult>(interceptors, (ctx) => this.send(ctx)) as Invoke;
  }

  /** What the pipeline runs for `req`. */
  private spec(req: ServiceCallOptions, method: string, timeoutMs: number): CallSpec {
    return {
      service: req.service,
      operation: method,
      idempotent: isIdempotent(method),
      retries: req.retries ?? this.config.retries,
      timeoutMs,
      deadline: callDeadline(req.deadlineMs),
      strategy: this.strategies.get(req.service, req.strategy ?? this.config.loadBalancing),
      filter: req.filter,
      signal: req.signal,
      hedgeAfterMs: req.hedgeAfterMs,
      metrics: this.metrics?.client(req.service, 'http'),
    };
  }

  /** The load-balanced call itself, through the pipeline. */
  private async send(ctx: HttpCall): Promise<HttpCallResult> {
    const spec = this.spec(ctx.options, ctx.method, ctx.timeoutMs);
    const adapter =
      ctx.kind === 'request'
        ? new HttpRequestAdapter(this.transport, ctx.service, ctx.method, ctx.path, ctx.headers, ctx.body as string | Buffer | undefined)
        : new HttpStreamAdapter(
            this.transport,
            ctx.service,
            ctx.method,
            ctx.path,
            ctx.headers,
            ctx.body as ServiceStreamRequest['body'],
            (ctx.options as ServiceStreamRequest).bufferUpToBytes,
          );
    const { value, instance, attempts } = await this.pipeline.run<unknown, unknown>(spec, adapter);
    return { response: value, instance, attempts };
  }
}
