import { DiscoveryError } from '../errors/discovery.error';

/**
 * A registry call that failed. `REGISTRY_UNAVAILABLE` (network error, timeout, 5xx on every URL)
 * is retryable; `REGISTRY_REJECTED` (4xx: bad input, wrong token, id conflict) is not: the same
 * request cannot succeed.
 */
export class RegistryRequestError extends DiscoveryError {
  readonly retryable: boolean;
  readonly httpStatus: number;

  constructor(
    readonly code: 'REGISTRY_UNAVAILABLE' | 'REGISTRY_REJECTED',
    message: string,
    /** HTTP status when the registry answered; undefined on network errors. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = code === 'REGISTRY_UNAVAILABLE';
    this.httpStatus = this.retryable ? 503 : 502;
  }
}
