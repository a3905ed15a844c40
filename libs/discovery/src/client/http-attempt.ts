import { AttemptResult, failed } from '../call/attempt-result';
import { AttemptOptions } from '../call/call-adapter.interface';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { isTimeoutError, neverReachedServer } from '../resilience/retry.policy';
import { BufferedAnswer, HttpTransport, TransportHeaders, TransportRequest, TransportResponse } from './http-transport.interface';
import { outgoingHeaders } from './request-builder';

/**
 * What both HTTP adapters share: sending an attempt (its timeout in the transport's timers and in
 * `x-timeout-ms`, its trace context in `traceparent` while tracing) and classifying a transport failure. @internal
 */
export abstract class HttpAttempt<R> {
  /** The request as last sent: rebuilt only when an attempt's budget differs (most calls send one). */
  private sent: TransportRequest | undefined;

  protected constructor(
    protected readonly transport: HttpTransport,
    protected readonly service: string,
    protected readonly method: string,
    private readonly path: string,
    private readonly headers: TransportHeaders | undefined,
    private readonly body: TransportRequest['body'],
    /** The answer's body may stay silent this long (buffered calls: the attempt's timeout too). */
    private readonly bodyTimeout: boolean,
    /** Streamed calls: answers of a known length up to this are read whole (see `TransportRequest.bufferUpToBytes`). */
    private readonly bufferUpToBytes?: number,
  ) {}

  protected sendRequest(instance: ServiceInstance, options: AttemptOptions): Promise<TransportResponse> {
    return this.transport.send(instance, this.requestFor(options), options.signal);
  }

  /** Sends and reads the whole answer, through the transport's buffered path (see `HttpTransport.sendBuffered`). */
  protected sendBuffered(instance: ServiceInstance, options: AttemptOptions): Promise<BufferedAnswer> {
    return this.transport.sendBuffered!(instance, this.requestFor(options), options.signal);
  }

  private requestFor(options: AttemptOptions): TransportRequest {
    // A traced attempt sends its own span's context: a request of its own.
    if (options.trace !== undefined) return this.build(options);
    if (this.sent === undefined || this.sent.timeoutMs !== options.timeoutMs) this.sent = this.build(options);
    return this.sent;
  }

  private build(options: AttemptOptions): TransportRequest {
    const timeoutMs = options.timeoutMs;
    // One shape for every request (undici and the transport read the same fields in the same order).
    return {
      method: this.method,
      path: this.path,
      headers: outgoingHeaders(this.headers, timeoutMs, options.deadline, options.trace),
      body: this.body,
      timeoutMs,
      bodyTimeoutMs: this.bodyTimeout ? timeoutMs : undefined,
      bufferUpToBytes: this.bufferUpToBytes,
    };
  }

  /** A transport failure: the caller's abort, a timeout, or no answer at all. */
  classifyError(error: unknown, instance: ServiceInstance, options: AttemptOptions): AttemptResult<R> {
    // The caller gave up (or a hedge won): says nothing about the instance, and must not be retried.
    if (options.signal?.aborted) return failed(error, 'cancelled', undefined, false, false, { cancelled: true });
    if (isTimeoutError(error)) return failed(new RemoteTimeoutError(this.service, instance, options.timeoutMs), 'timeout', false, true);
    return failed(new RemoteUnavailableError(this.service, instance, error), 'unavailable', false, true, neverReachedServer(error));
  }
}
