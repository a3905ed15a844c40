import { AttemptResult, failed } from '../call/attempt-result';
import { AttemptOptions } from '../call/call-adapter.interface';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { isTimeoutError, neverReachedServer } from '../resilience/retry.policy';
import { HttpTransport, TransportHeaders, TransportRequest, TransportResponse } from './http-transport.interface';
import { outgoingHeaders } from './request-builder';

/**
 * What both HTTP adapters share: sending an attempt (its timeout in the transport's timers and in
 * `x-timeout-ms`) and classifying a transport failure. @internal
 */
export abstract class HttpAttempt<R> {
  /** The headers as last sent, and the budget they carry: rebuilt only when an attempt's budget differs. */
  private sentHeaders: TransportHeaders | undefined;
  private sentBudget = Number.NaN;

  protected constructor(
    protected readonly transport: HttpTransport,
    protected readonly service: string,
    private readonly request: Omit<TransportRequest, 'timeoutMs' | 'headers'>,
    private readonly headers: TransportHeaders | undefined,
    /** The answer's body may stay silent this long (buffered calls: the attempt's timeout too). */
    private readonly bodyTimeout: boolean,
  ) {}

  protected sendRequest(instance: ServiceInstance, options: AttemptOptions): Promise<TransportResponse> {
    if (options.timeoutMs !== this.sentBudget) {
      this.sentBudget = options.timeoutMs;
      this.sentHeaders = outgoingHeaders(this.headers, options.timeoutMs);
    }
    const timeoutMs = options.timeoutMs;
    return this.transport.send(
      instance,
      { ...this.request, headers: this.sentHeaders, timeoutMs, ...(this.bodyTimeout ? { bodyTimeoutMs: timeoutMs } : {}) },
      options.signal,
    );
  }

  /** A transport failure: the caller's abort, a timeout, or no answer at all. */
  classifyError(error: unknown, instance: ServiceInstance, options: AttemptOptions): AttemptResult<R> {
    // The caller gave up (or a hedge won): says nothing about the instance, and must not be retried.
    if (options.signal?.aborted) return failed(error, 'cancelled', undefined, false, false, { cancelled: true });
    if (isTimeoutError(error)) return failed(new RemoteTimeoutError(this.service, instance, options.timeoutMs), 'timeout', false, true);
    return failed(new RemoteUnavailableError(this.service, instance, error), 'unavailable', false, true, neverReachedServer(error));
  }
}
