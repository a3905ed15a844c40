import { RegistryError } from './registry.error';

/** A Consul API request the registry refuses as it stands (Consul's 400: a plain-text reason, nothing changed). */
export class ConsulBadRequestError extends RegistryError {
  readonly code = 'CONSUL_BAD_REQUEST';
  readonly retryable = false;
  readonly status = 400;
}
