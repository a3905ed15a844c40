/**
 * A registry call that failed. `REGISTRY_UNAVAILABLE` (network error, timeout, 5xx on every URL)
 * is retryable; `REGISTRY_REJECTED` (4xx: bad input, wrong token, id conflict) is not: retrying
 * the same request cannot succeed.
 */
export class RegistryRequestError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: 'REGISTRY_UNAVAILABLE' | 'REGISTRY_REJECTED',
    message: string,
    /** HTTP status when the registry answered; undefined on network errors. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryRequestError';
    this.retryable = code === 'REGISTRY_UNAVAILABLE';
  }
}
