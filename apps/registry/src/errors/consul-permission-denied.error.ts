import { RegistryError } from './registry.error';

/** A Consul API write without the registry's token (`X-Consul-Token` or `?token=`): Consul's 403. */
export class ConsulPermissionDeniedError extends RegistryError {
  readonly code = 'CONSUL_PERMISSION_DENIED';
  readonly retryable = false;
  readonly status = 403;

  constructor() {
    super('Permission denied: this write needs the registry token (X-Consul-Token or ?token=)');
  }
}
