import { RegistryError } from './registry.error';

/** A guarded route called without a token, or with one the registry does not know: 401. */
export class TokenMissingError extends RegistryError {
  readonly code = 'TOKEN_MISSING';
  readonly retryable = false;
  readonly status = 401;

  constructor(readonly scope: string) {
    super(`a ${scope} token is required (Authorization: Bearer <token>); none given or not a known token`);
  }
}
