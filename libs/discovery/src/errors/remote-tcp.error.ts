import { ServiceInstance } from '../interfaces/service-instance.interface';
import { isRetryableStatus } from '../resilience/retry.policy';
import { DiscoveryError } from './discovery.error';
import { REMOTE_TCP_ERROR } from './error.messages';

/**
 * A fast-lane (TCP) call was answered with a failure (after any retries). `status` is an HTTP status — the
 * handler's `HttpException` status, or the server's own (404 no handler, 503 stopping, 504 budget spent,
 * 500 anything else) — and `httpStatus` what a gateway answers: a 4xx passes through with the server's
 * message, 503 and 504 stay, any other 5xx is 502.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof RemoteTcpError && e.status === 400) ... }
 * ```
 */
export class RemoteTcpError extends DiscoveryError {
  readonly code = 'REMOTE_TCP_ERROR';
  readonly retryable: boolean;
  readonly httpStatus: number;

  constructor(
    readonly service: string,
    /** The message pattern, as sent. */
    readonly pattern: string,
    readonly instance: ServiceInstance,
    readonly status: number,
    /** The server's message. */
    readonly details: string,
  ) {
    super(REMOTE_TCP_ERROR(service, `${instance.host}:${instance.port}`, status, pattern, details));
    this.retryable = isRetryableStatus(status);
    this.httpStatus = status >= 400 && status < 500 ? status : status === 503 || status === 504 ? status : 502;
  }
}
