import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DISCOVERY_CONFIG, INSTANCE_SOURCE } from '../discovery.constants';
import { NoAvailableInstanceError } from '../errors/no-available-instance.error';
import { RemoteHttpError } from '../errors/remote-http.error';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { LoadBalancingStrategy } from '../load-balancing/load-balancing-strategy.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { isFailureStatus, isIdempotent, isRetryableStatus, neverReachedServer, RetryBackoff } from '../resilience/retry.policy';
import { discard, HTTP_TRANSPORT, HttpTransport, readText, TransportHeaders } from './http-transport.interface';
import { InstanceSelector } from './instance-selector';
import { buildPath, encodeBody, forwardableHeaders, parseBody } from './request-builder';
import {
  ServiceCallOptions,
  ServiceRequest,
  ServiceStreamRequest,
  ServiceStreamResponse,
} from './service-request.interface';

export type { HttpMethod, ServiceRequest, ServiceStreamRequest, ServiceStreamResponse } from './service-request.interface';

/** Abort reason marking our own timeout, so it is told apart from the caller's abort. */
const TIMEOUT = Symbol('discovery-timeout');

function abortOnTimeout(controller: AbortController): void {
  controller.abort(TIMEOUT);
}

/** The per-call state the retry loop carries; one object instead of a closure per call. */
interface Attempt {
  readonly service: string;
  readonly method: string;
  readonly idempotent: boolean;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly strategy: LoadBalancingStrategy;
  attempt: number;
  tried: ServiceInstance[] | undefined;
}

/**
 * Calls other services by name: resolves instances from the registry-backed cache, load-balances,
 * times out, retries on another instance when that is safe, and ejects failing instances.
 *
 * Retries: idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried on connection errors,
 * timeouts and 502/503/504; any method is retried when the failure proves nothing was sent
 * (connection refused, no instance available).
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
  ) {
    StrategyRegistry.validate(config.loadBalancing);
    this.selector = new InstanceSelector(ejection, config.zone);
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
    let backoff;
    for (;;) {
      const instance = await this.pick(req, call);
      if (!instance) {
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      const controller = new AbortController();
      const timer = setTimeout(abortOnTimeout, call.timeoutMs, controller);
      const unlink = req.signal ? link(req.signal, controller) : undefined;
      const started = call.strategy.onEnd ? performance.now() : 0;
      this.ejection.acquire(instance.id);
      call.strategy.onStart?.(instance);
      let statusCode: number;
      let contentType: string | string[] | undefined;
      let text: string;
      try {
        const response = await this.transport.send(instance, { method: call.method, path, headers, body }, controller.signal);
        statusCode = response.statusCode;
        contentType = response.headers['content-type'];
        if (statusCode === 204 || call.method === 'HEAD') {
          discard(response.body);
          text = '';
        } else {
          text = await readText(response.body);
        }
      } catch (error) {
        clearTimeout(timer);
        unlink?.();
        const failure = this.failed(call, instance, controller, error, started);
        if (this.mayRetry(call, instance, failure.neverSent)) {
          backoff = await this.backoff.wait(backoff);
          continue;
        }
        throw failure.error;
      }
      clearTimeout(timer);
      unlink?.();
      const ok = this.answered(call, instance, statusCode, started);
      if (statusCode >= 200 && statusCode < 300) {
        return (statusCode === 204 ? undefined : parseBody(text, contentType)) as T;
      }
      if (!ok && isRetryableStatus(statusCode) && call.idempotent && this.mayRetry(call, instance, false)) {
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      throw new RemoteHttpError(call.service, instance, statusCode, parseBody(text, contentType));
    }
  }

  /**
   * Sends one call without buffering either body, for reverse proxies. Upstream statuses are
   * returned, not thrown; only 502/503/504 on an idempotent, replayable call are first retried on
   * another instance. The timeout covers the wait for the answer's headers.
   */
  async stream(req: ServiceStreamRequest): Promise<ServiceStreamResponse> {
    const call = this.start(req);
    const path = buildPath(req.path, req.query);
    const headers: TransportHeaders | undefined = forwardableHeaders(req.headers);
    const body = req.body;
    const streamed = body instanceof Readable;
    let backoff;
    for (;;) {
      const instance = await this.pick(req, call);
      if (!instance) {
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      const controller = new AbortController();
      const timer = setTimeout(abortOnTimeout, call.timeoutMs, controller);
      const unlink = req.signal ? link(req.signal, controller) : undefined;
      const started = call.strategy.onEnd ? performance.now() : 0;
      this.ejection.acquire(instance.id);
      call.strategy.onStart?.(instance);
      let response;
      try {
        response = await this.transport.send(instance, { method: call.method, path, headers, body }, controller.signal);
      } catch (error) {
        clearTimeout(timer);
        unlink?.();
        const failure = this.failed(call, instance, controller, error, started);
        // A stream that may have been read from cannot be replayed.
        const replayable = !streamed || (failure.neverSent && !body.readableDidRead && !body.destroyed);
        if (replayable && this.mayRetry(call, instance, failure.neverSent)) {
          backoff = await this.backoff.wait(backoff);
          continue;
        }
        throw failure.error;
      }
      clearTimeout(timer);
      const statusCode = response.statusCode;
      if (isRetryableStatus(statusCode) && call.idempotent && !streamed && this.mayRetry(call, instance, false)) {
        unlink?.();
        this.answered(call, instance, statusCode, started);
        discard(response.body);
        backoff = await this.backoff.wait(backoff);
        continue;
      }
      // The call is in flight until the body is done; report its end then.
      const strategy = call.strategy;
      const ejection = this.ejection;
      response.body.once('close', () => {
        unlink?.();
        if (isFailureStatus(statusCode)) ejection.onFailure(instance.id);
        else ejection.onSuccess(instance.id);
        strategy.onEnd?.(instance, { latencyMs: performance.now() - started, ok: !isFailureStatus(statusCode) });
      });
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
    };
  }

  /** Selects an instance, or returns undefined when the loop should back off and retry; throws when out of retries. */
  private async pick(req: ServiceCallOptions, call: Attempt): Promise<ServiceInstance | undefined> {
    const candidates = await this.source.instances(req.service);
    const instance = this.selector.select(req.service, candidates, call.strategy, req.filter, call.tried, call.attempt);
    if (instance) return instance;
    // Nothing was sent, so even a POST may try again.
    if (call.attempt < call.retries) {
      call.attempt++;
      return undefined;
    }
    throw new NoAvailableInstanceError(req.service, this.selector.explain(candidates, req.filter));
  }

  /** Counts a transport-level failure and turns it into a typed error. */
  private failed(
    call: Attempt,
    instance: ServiceInstance,
    controller: AbortController,
    error: unknown,
    started: number,
  ): { error: unknown; neverSent: boolean } {
    call.strategy.onEnd?.(instance, { latencyMs: performance.now() - started, ok: false });
    const timedOut = controller.signal.reason === TIMEOUT;
    if (controller.signal.aborted && !timedOut) {
      // The caller gave up: says nothing about the instance, and must not be retried.
      this.ejection.release(instance.id);
      call.attempt = call.retries;
      return { error, neverSent: false };
    }
    this.ejection.onFailure(instance.id);
    if (timedOut) return { error: new RemoteTimeoutError(call.service, instance, call.timeoutMs), neverSent: false };
    return { error: new RemoteUnavailableError(call.service, instance, error), neverSent: neverReachedServer(error) };
  }

  /** Counts an answer for or against the instance; returns whether it was healthy. */
  private answered(call: Attempt, instance: ServiceInstance, statusCode: number, started: number): boolean {
    const ok = !isFailureStatus(statusCode);
    if (ok) this.ejection.onSuccess(instance.id);
    else this.ejection.onFailure(instance.id);
    call.strategy.onEnd?.(instance, { latencyMs: started ? performance.now() - started : 0, ok });
    return ok;
  }

  /** Retry when attempts remain and it is safe: idempotent, or provably never sent. */
  private mayRetry(call: Attempt, instance: ServiceInstance, neverSent: boolean): boolean {
    if (call.attempt >= call.retries || !(call.idempotent || neverSent)) return false;
    call.attempt++;
    (call.tried ??= []).push(instance);
    return true;
  }
}

/** Forwards the caller's abort to this attempt's controller; returns the unlink. */
function link(signal: AbortSignal, controller: AbortController): () => void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => undefined;
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
