import { ServiceInstance } from '../interfaces/service-instance.interface';
import { DiscoveryError } from './discovery.error';
import { REMOTE_UNAVAILABLE } from './error.messages';

/** The connection to the instance failed (refused, reset, closed mid-answer). */
export class RemoteUnavailableError extends DiscoveryError {
  readonly code = 'REMOTE_UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 502;

  constructor(
    readonly service: string,
    readonly instance: ServiceInstance,
    cause: unknown,
  ) {
    super(REMOTE_UNAVAILABLE(service, `${instance.host}:${instance.port}`, describe(cause)), { cause });
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}
