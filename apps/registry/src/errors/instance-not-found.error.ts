import { RegistryError } from './registry.error';

/** Deregistration of an instance the registry does not hold (under that name). */
export class InstanceNotFoundError extends RegistryError {
  readonly code = 'INSTANCE_NOT_FOUND';
  readonly retryable = false;
  readonly status = 404;

  constructor(
    readonly serviceName: string,
    readonly instanceId: string,
  ) {
    super(`instance ${instanceId} of ${serviceName} is not registered`);
  }
}
