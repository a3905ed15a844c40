import { ServiceInstance } from '../interfaces/service-instance.interface';
import { DiscoveryError } from './discovery.error';
import { REMOTE_HTTP_ERROR } from './error.messages';

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** The remote instance answered with a non-2xx status. `body` is the parsed answer (JSON or text). */
export class RemoteHttpError extends DiscoveryError {
  readonly code = 'REMOTE_HTTP_ERROR';
  readonly retryable: boolean;
  /** A gateway passes 4xx through; any upstream 5xx becomes a 502. */
  readonly httpStatus: number;

  constructor(
    readonly service: string,
    readonly instance: ServiceInstance,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(REMOTE_HTTP_ERROR(service, status, `${instance.host}:${instance.port}`));
    this.retryable = RETRYABLE_STATUSES.has(status);
    this.httpStatus = status >= 400 && status < 500 ? status : 502;
  }
}
