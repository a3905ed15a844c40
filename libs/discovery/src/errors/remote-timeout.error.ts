import { ServiceInstance } from '../interfaces/service-instance.interface';
import { DiscoveryError } from './discovery.error';
import { REMOTE_TIMEOUT } from './error.messages';

/** The remote instance did not answer within the call's timeout. */
export class RemoteTimeoutError extends DiscoveryError {
  readonly code = 'REMOTE_TIMEOUT';
  readonly retryable = true;
  readonly httpStatus = 504;

  constructor(
    readonly service: string,
    readonly instance: ServiceInstance,
    readonly timeoutMs: number,
  ) {
    super(REMOTE_TIMEOUT(service, timeoutMs, `${instance.host}:${instance.port}`));
  }
}
