import { RegistryError } from './registry.error';

/** A renewal named an id that is registered under another service name. */
export class InstanceNameConflictError extends RegistryError {
  readonly code = 'INSTANCE_NAME_CONFLICT';
  readonly retryable = false;
  readonly status = 409;

  constructor(
    readonly instanceId: string,
    readonly existingName: string,
    readonly requestedName: string,
  ) {
    super(`instance ${instanceId} is registered as ${existingName}, not ${requestedName}`);
  }
}
