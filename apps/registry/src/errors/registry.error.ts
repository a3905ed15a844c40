/**
 * Base of the registry's expected failures. `code` is stable (clients may switch on it);
 * `retryable` says whether the same request can succeed later without being changed.
 */
export abstract class RegistryError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  /** HTTP status the exception filter answers with. */
  abstract readonly status: number;
  constructor(
    message: string,
    /** When a retry can succeed, in whole seconds (answered as `Retry-After`); undefined when nobody can tell. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
