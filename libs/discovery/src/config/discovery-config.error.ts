import { DiscoveryError } from '../errors/discovery.error';

/**
 * Thrown once, at module start, when an option (or the environment variable behind it) is
 * invalid. Not retryable: the app must be reconfigured.
 */
export class DiscoveryConfigError extends DiscoveryError {
  readonly code = 'DISCOVERY_CONFIG_INVALID';
  readonly retryable = false;
  readonly httpStatus = 500;

  constructor(
    /** The option (or environment variable) at fault. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}
