import { Readable } from 'node:stream';
import { answered, AttemptResult, failed } from '../call/attempt-result';
import { AttemptOptions, CallAdapter } from '../call/call-adapter.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { httpOutcome } from '../metrics/call-outcome';
import { isFailureStatus, isRetryableStatus } from '../resilience/retry.policy';
import { HttpAttempt } from './http-attempt';
import { discard, HttpTransport, TransportHeaders, TransportResponse } from './http-transport.interface';
import { ServiceStreamResponse } from './service-request.interface';
import { ShortAnswer } from './short-answer';

/**
 * `ServiceClient.stream`, for reverse proxies: neither body is buffered and upstream statuses are returned,
 * not thrown — only a 502/503/504 to an idempotent call whose body can be replayed is first retried
 * elsewhere. The attempt counts for its instance once the answer's body is done. @internal
 */
export class HttpStreamAdapter extends HttpAttempt<ServiceStreamResponse> implements CallAdapter<TransportResponse, ServiceStreamResponse> {
  private readonly streamed: Readable | undefined;

  constructor(
    transport: HttpTransport,
    service: string,
    method: string,
    path: string,
    headers: TransportHeaders | undefined,
    body: Readable | Buffer | string | undefined,
    bufferUpToBytes?: number,
  ) {
    // The timeout covers the answer's headers only: the body then streams as long as it takes.
    super(transport, service, method, path, headers, body, false, bufferUpToBytes);
    this.streamed = body instanceof Readable ? body : undefined;
  }

  send(instance: ServiceInstance, options: AttemptOptions): Promise<TransportResponse> {
    return this.sendRequest(instance, options);
  }

  classify(response: TransportResponse, instance: ServiceInstance): AttemptResult<ServiceStreamResponse> {
    if (response instanceof ShortAnswer) {
      // Read whole already: nothing left in flight, nothing to discard, no stream unless asked for.
      const { statusCode } = response;
      return answered(response.from(instance), httpOutcome(statusCode), !isFailureStatus(statusCode), statusCode, {
        retryable: this.streamed === undefined && isRetryableStatus(statusCode),
      });
    }
    const { statusCode, headers, body } = response;
    const done = new Promise<void>((resolve) => body.once('close', () => resolve()));
    return answered({ statusCode, headers, body, instance }, httpOutcome(statusCode), !isFailureStatus(statusCode), statusCode, {
      // A body already sent upstream cannot be sent again.
      retryable: this.streamed === undefined && isRetryableStatus(statusCode),
      inFlightUntil: done,
      discard: () => discard(body),
    });
  }

  override classifyError(error: unknown, instance: ServiceInstance, options: AttemptOptions): AttemptResult<ServiceStreamResponse> {
    const result = super.classifyError(error, instance, options);
    // A stream that may have been read from cannot be replayed.
    const body = this.streamed;
    if (body === undefined || (result.neverSent && !body.readableDidRead && !body.destroyed)) return result;
    return failed(result.error, result.outcome, result.healthy, false, false, { cancelled: result.cancelled });
  }
}
