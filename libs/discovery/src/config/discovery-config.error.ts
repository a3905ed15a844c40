/**
 * Thrown once, at module start, when an option (or the environment variable behind it) is
 * invalid. Not retryable: the app must be reconfigured.
 */
export class DiscoveryConfigError extends Error {
  readonly code = 'DISCOVERY_CONFIG_INVALID';
  readonly retryable = false;

  constructor(
    /** The option (or environment variable) at fault. */
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'DiscoveryConfigError';
  }
}
