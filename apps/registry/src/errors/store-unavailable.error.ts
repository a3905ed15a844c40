import { RegistryError } from './registry.error';

/** The registry's store (Redis, etcd) did not answer; the same request may succeed later or on another replica. */
export class StoreUnavailableError extends RegistryError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly retryable = true;
  readonly status = 503;

  constructor(
    readonly store: string,
    detail: string,
  ) {
    super(`store ${store} is unavailable: ${detail}`);
  }
}
