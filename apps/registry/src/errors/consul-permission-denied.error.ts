import { RegistryError } from './registry.error';

/** A Consul API write without the registry's token (`X-Consul-Token` or `?token=`): Consul's 403. */
export class ConsulPermissionDeniedError extends RegistryError {
  readonly code = 'CONSUL_PERMISSION_DENIED';
  readonly retryable = false;
  readonly status = 403;

  constructor() {
    // Short, as Consul's own: clients show a plain-text reason of under 80 characters as the error's message.
    super('Permission denied: the registry token is missing or wrong');
  }
}
