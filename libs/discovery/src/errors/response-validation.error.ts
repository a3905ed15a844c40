import { DiscoveryError } from './discovery.error';
import { RESPONSE_VALIDATION_FAILED } from './error.messages';

/** The answer did not match the declared response class; `fields` names each invalid property path. */
export class ResponseValidationError extends DiscoveryError {
  readonly code = 'RESPONSE_VALIDATION_FAILED';
  readonly retryable = false;
  readonly httpStatus = 502;

  constructor(
    readonly service: string,
    readonly type: string,
    readonly fields: readonly string[],
    readonly details: readonly string[] = [],
  ) {
    super(RESPONSE_VALIDATION_FAILED(service, type, fields));
  }
}
