/**
 * Base of every error the call path throws. `code` is stable (match on it, not on the message);
 * `retryable` says whether the same call may succeed if repeated; `httpStatus` is the status a
 * gateway should answer with when it surfaces this error.
 *
 * @example
 * ```ts
 * try { await client.request({ service: 'calc', path: '/add/1/2' }); }
 * catch (e) { if (e instanceof DiscoveryError && e.retryable) { ... } }
 * ```
 */
export abstract class DiscoveryError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  abstract readonly httpStatus: number;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
