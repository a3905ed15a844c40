import { DiscoveryError } from './discovery.error';
import { NO_AVAILABLE_INSTANCE } from './error.messages';

/** No instance of the service can take the call (none registered, all filtered out, or all ejected). */
export class NoAvailableInstanceError extends DiscoveryError {
  readonly code = 'NO_AVAILABLE_INSTANCE';
  readonly retryable = true;
  readonly httpStatus = 503;

  constructor(
    readonly service: string,
    reason?: string,
  ) {
    super(NO_AVAILABLE_INSTANCE(service, reason));
  }
}
