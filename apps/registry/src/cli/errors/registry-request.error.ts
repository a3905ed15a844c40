/** The registry could not be reached, or answered an error or something that is not JSON: exit 1. */
export class RegistryRequestError extends Error {
  readonly code = 'CLI_REGISTRY_REQUEST';
  /** A registry that is away may be back soon; `watch` retries, the one-shot commands do not. */
  readonly retryable = true;

  constructor(message: string) {
    super(message);
    this.name = 'RegistryRequestError';
  }
}
