import { DiscoveryError } from './discovery.error';
import { DEADLINE_EXCEEDED } from './error.messages';

/**
 * The call's budget was spent — its own deadline, or what the request being handled had left — before it
 * could be (or be tried again): it fails at once, without being sent, rather than doing work nobody waits for.
 */
export class DeadlineExceededError extends DiscoveryError {
  readonly code = 'DEADLINE_EXCEEDED';
  readonly retryable = false;
  readonly httpStatus = 504;

  constructor(
    readonly service: string,
    /** Attempts sent before the budget ran out (0: the call was never sent). */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(DEADLINE_EXCEEDED(service, attempts), options);
  }
}
