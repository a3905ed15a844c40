import { Inject, Injectable, Optional } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DISCOVERY_CONFIG, INSTANCE_SOURCE } from '../discovery.constants';
import { RemoteHttpError } from '../errors/remote-http.error';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { httpOutcome } from '../metrics/call-outcome';
import { DiscoveryMetrics } from '../metrics/discovery.metrics';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import {
  isFailureStatus,
  isIdempotent,
  isRetryableStatus,
  isTimeoutError,
  neverReachedServer,
  RetryBackoff,
} from '../resilience/retry.policy';
import { CallAttempt, mayRetry, pickInstance } from './call-attempt';
import { discard, HTTP_TRANSPORT, HttpTransport, readText, TransportRequest } from './http-transport.interface';
import { InstanceSelector } from './instance-selector';
import { HTTP_PROTOCOLS, ProtocolView } from './protocol-view';
import { buildPath, encodeBody, forwardableHeaders, parseBody, withRequestId } from './request-builder';
import {
  ServiceCallOptions,
  ServiceRequest,
  ServiceStreamRequest,
  ServiceStreamResponse,
} from './service-request.interface';

export type { HttpMethod, ServiceRequest, ServiceStreamRequest, ServiceStreamResponse } from './service-request.interface';

/** The per-call state the retry loop carries; one object instead of a closure per call. */
interface Attempt extends CallAttempt {
  readonly method: string;
  readonly timeoutMs: number;
}

/**
 * Calls other services by name over HTTP: resolves their `http`/`https` instances from the
 * registry-backed cache (a `grpc` endpoint registered under the same name is left to
 * {@link GrpcServiceClient}), load-balances, times out, retries on another instance when that is
 * safe, and ejects failing instances.
 *
 * Retries: idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried on connection errors,
 * timeouts and 502/503/504; any method is retried when the failure proves nothing was sent
 * (connection refused, no instance available).
 *
 * Request id: a call made while handling a request (see {@link RequestContext}) sends that
 * request's id as `x-request-id`, unless its `headers` carry one already.
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
  private readonly selector: InstanceSelector;
  private readonly backoff: RetryBackoff;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    @Inject(INSTANCE_SOURCE) private readonly source: InstanceSource,
    @Inject(HTTP_TRANSPORT) private readonly transport: HttpTransport,
    private readonly ejection: OutlierEjection,
    private readonly strategies: StrategyRegistry,
    @Optional() private readonly metrics?: DiscoveryMetrics,
  ) {
    StrategyRegistry.validate(config.loadBalancing);
    this.selector = new InstanceSelector(ejection, config.zone, new ProtocolView(HTTP_PROTOCOLS));
    this.backoff = new RetryBackoff(config.retryBackoffMs);
  }

  /**
   * Sends one call and returns the parsed answer: JSON when the content-type says so, else text;
   * `undefined` for 204. Non-2xx answers throw {@link RemoteHttpError}.
   */
  async request<T = unknown>(req: ServiceRequest): Promise<T> {
    const call = this.start(req);
    const path = buildPath(req.path, req.query);
    const { body, headers } = encodeBody(req.body, req.headers);
    const transportRequest: TransportRequest = {
      method: call.method,
      path,
      headers: withRequestId(headers),
      body,
      timeoutMs: call.timeoutMs,
      bodyTimeoutMs: call.timeoutMs,
    };
    let backoff;
    for (;;) {
      const candidates = await this.source.instances(call.service);
      const instance = pickInstance(this.selector, call, candidates, req.filter);
      if (!instance) {
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      const started = call.strategy.onEnd || call.metrics ? performance.now() : 0;
      this.ejection.acquire(instance.id);
      call.strategy.onStart?.(instance);
      let statusCode: number;
      let contentType: string | string[] | undefined;
      let text: string;
      try {
        const response = await this.transport.send(instance, transportRequest, req.signal);
        statusCode = response.statusCode;
        contentType = response.headers['content-type'];
        if (statusCode === 204 || call.method === 'HEAD') {
          discard(response.body);
          text = '';
        } else {
          text = await readText(response.body);
        }
      } catch (error) {
        const failure = this.failed(call, instance, req.signal, error, started);
        if (mayRetry(call, instance, failure.neverSent)) {
          backoff = await this.backoff.wait(backoff);
          continue;
        }
        throw failure.error;
      }
      const ok = this.answered(call, instance, statusCode, started);
      if (statusCode >= 200 && statusCode < 300) {
        return (statusCode === 204 ? undefined : parseBody(text, contentType)) as T;
      }
      if (!ok && isRetryableStatus(statusCode) && call.idempotent && mayRetry(call, instance, false)) {
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      throw new RemoteHttpError(call.service, instance, statusCode, parseBody(text, contentType));
    }
  }

  /**
   * Sends one call without buffering either body, for reverse proxies. Upstream statuses are
   * returned, not thrown; only 502/503/504 on an idempotent, replayable call are first retried on
   * another instance. The timeout covers the wait for the answer's headers; the body may then
   * take as long as it streams (undici's idle body timeout still applies).
   */
  async stream(req: ServiceStreamRequest): Promise<ServiceStreamResponse> {
    const call = this.start(req);
    const body = req.body;
    const streamed = body instanceof Readable;
    const transportRequest: TransportRequest = {
      method: call.method,
      path: buildPath(req.path, req.query),
      headers: withRequestId(forwardableHeaders(req.headers)),
      body,
      timeoutMs: call.timeoutMs,
    };
    let backoff;
    for (;;) {
      const candidates = await this.source.instances(call.service);
      const instance = pickInstance(this.selector, call, candidates, req.filter);
      if (!instance) {
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      const started = performance.now();
      this.ejection.acquire(instance.id);
      call.strategy.onStart?.(instance);
      let response;
      try {
        response = await this.transport.send(instance, transportRequest, req.signal);
      } catch (error) {
        const failure = this.failed(call, instance, req.signal, error, started);
        // A stream that may have been read from cannot be replayed.
        const replayable = !streamed || (failure.neverSent && !body.readableDidRead && !body.destroyed);
        if (replayable && mayRetry(call, instance, failure.neverSent)) {
          backoff = await this.backoff.wait(backoff);
          continue;
        }
        throw failure.error;
      }
      const statusCode = response.statusCode;
      if (isRetryableStatus(statusCode) && call.idempotent && !streamed && mayRetry(call, instance, false)) {
        this.answered(call, instance, statusCode, started);
        discard(response.body);
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      // The call is in flight until the body is done; report its end then.
      response.body.once('close', () => this.answered(call, instance, statusCode, started));
      return { statusCode, headers: response.headers, body: response.body, instance };
    }
  }

  private start(req: ServiceCallOptions): Attempt {
    const method = req.method ?? 'GET';
    return {
      service: req.service,
      method,
      idempotent: isIdempotent(method),
      retries: req.retries ?? this.config.retries,
      timeoutMs: req.timeoutMs ?? this.config.timeoutMs,
      strategy: this.strategies.get(req.service, req.strategy ?? this.config.loadBalancing),
      attempt: 0,
      tried: undefined,
      metrics: this.metrics?.client(req.service, 'http'),
    };
  }

  /** Counts a transport-level failure and turns it into a typed error. */
  private failed(
    call: Attempt,
    instance: ServiceInstance,
    signal: AbortSignal | undefined,
    error: unknown,
    started: number,
  ): { error: unknown; neverSent: boolean } {
    call.strategy.onEnd?.(instance, { latencyMs: performance.now() - started, ok: false });
    call.metrics?.attempt(instance.id, signal?.aborted ? 'cancelled' : isTimeoutError(error) ? 'timeout' : 'unavailable', started);
    if (signal?.aborted) {
      // The caller gave up: says nothing about the instance, and must not be retried.
      this.ejection.release(instance.id);
      call.attempt = call.retries;
      return { error, neverSent: false };
    }
    if (this.ejection.onFailure(instance.id)) call.metrics?.ejected();
    if (isTimeoutError(error)) {
      return { error: new RemoteTimeoutError(call.service, instance, call.timeoutMs), neverSent: false };
    }
    return { error: new RemoteUnavailableError(call.service, instance, error), neverSent: neverReachedServer(error) };
  }

  /** Counts an answer for or against the instance; returns whether it was healthy. */
  private answered(call: Attempt, instance: ServiceInstance, statusCode: number, started: number): boolean {
    const ok = !isFailureStatus(statusCode);
    if (ok) this.ejection.onSuccess(instance.id);
    else if (this.ejection.onFailure(instance.id)) call.metrics?.ejected();
    call.strategy.onEnd?.(instance, { latencyMs: started ? performance.now() - started : 0, ok });
    call.metrics?.attempt(instance.id, httpOutcome(statusCode), started);
    return ok;
  }
}
