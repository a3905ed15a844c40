import { DiscoveryError } from '../errors/discovery.error';

/**
 * A registry call that failed. `REGISTRY_UNAVAILABLE` (network error, timeout, 5xx on every URL)
 * is retryable; `REGISTRY_REJECTED` (4xx: bad input, wrong token, id conflict) is not: the same
 * request cannot succeed.
 */
export class RegistryRequestError extends DiscoveryError {
  readonly retryable: boolean;
  readonly httpStatus: number;
  /** How long the registry asked to wait before trying again (its `Retry-After`, e.g. on a 429); undefined when it did not say. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: 'REGISTRY_UNAVAILABLE' | 'REGISTRY_REJECTED',
    message: string,
    /** HTTP status when the registry answered; undefined on network errors. */
    readonly status?: number,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.retryable = code === 'REGISTRY_UNAVAILABLE';
    this.httpStatus = this.retryable ? 503 : 502;
  }
}
