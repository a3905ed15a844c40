import { answered, AttemptResult, failed } from '../call/attempt-result';
import { CallAdapter } from '../call/call-adapter.interface';
import { RemoteHttpError } from '../errors/remote-http.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { httpOutcome } from '../metrics/call-outcome';
import { isFailureStatus, isRetryableStatus } from '../resilience/retry.policy';
import { HttpAttempt } from './http-attempt';
import { BufferedAnswer, discard, HttpTransport, readText, TransportHeaders } from './http-transport.interface';
import { parseBody } from './request-builder';

export type { BufferedAnswer } from './http-transport.interface';

/**
 * `ServiceClient.request`: sends the request and reads the whole answer; a 2xx is parsed and returned, any
 * other status becomes a {@link RemoteHttpError} (502/503/504 retried elsewhere when that is safe; 5xx count
 * against the instance, 4xx never). @internal
 */
export class HttpRequestAdapter<T> extends HttpAttempt<T> implements CallAdapter<BufferedAnswer, T> {
  constructor(
    transport: HttpTransport,
    service: string,
    method: string,
    path: string,
    headers: TransportHeaders | undefined,
    body: string | Buffer | undefined,
  ) {
    super(transport, service, method, path, headers, body, true);
  }

  send(instance: ServiceInstance, options: Parameters<HttpAttempt<T>['sendRequest']>[1]): Promise<BufferedAnswer> {
    return this.transport.sendBuffered ? this.sendBuffered(instance, options) : this.sendAndRead(instance, options);
  }

  private async sendAndRead(instance: ServiceInstance, options: Parameters<HttpAttempt<T>['sendRequest']>[1]): Promise<BufferedAnswer> {
    const response = await this.sendRequest(instance, options);
    const statusCode = response.statusCode;
    const contentType = response.headers['content-type'];
    if (statusCode === 204 || this.method === 'HEAD') {
      discard(response.body);
      return { statusCode, contentType, text: '' };
    }
    return { statusCode, contentType, text: await readText(response.body) };
  }

  classify(answer: BufferedAnswer, instance: ServiceInstance): AttemptResult<T> {
    const { statusCode, contentType, text } = answer;
    const outcome = httpOutcome(statusCode);
    if (statusCode >= 200 && statusCode < 300) {
      return answered((statusCode === 204 ? undefined : parseBody(text, contentType)) as T, outcome, true, statusCode);
    }
    const healthy = !isFailureStatus(statusCode);
    const error = new RemoteHttpError(this.service, instance, statusCode, parseBody(text, contentType));
    return failed(error, outcome, healthy, !healthy && isRetryableStatus(statusCode));
  }
}
