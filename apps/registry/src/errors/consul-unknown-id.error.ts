import { RegistryError } from './registry.error';

/** A Consul agent call names a service or check id the registry does not hold (Consul answers 404). */
export class ConsulUnknownIdError extends RegistryError {
  readonly code = 'CONSUL_UNKNOWN_ID';
  readonly retryable = false;
  readonly status = 404;

  constructor(kind: 'service' | 'check', id: string) {
    super(`Unknown ${kind} ID ${JSON.stringify(id)}. Ensure that the ${kind} ID is passed, not the ${kind} name.`);
  }
}
