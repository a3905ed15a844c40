import { RegistryError } from './registry.error';

/** A known token whose scope is too narrow for the route (a read token registering, a write token draining): 403. */
export class TokenScopeError extends RegistryError {
  readonly code = 'TOKEN_SCOPE';
  readonly retryable = false;
  readonly status = 403;

  constructor(readonly scope: string) {
    super(`this needs a ${scope} token; the token given has a narrower scope`);
  }
}
