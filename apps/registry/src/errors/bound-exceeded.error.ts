import { RegistryBounds } from '../config';
import { RegistryError } from './registry.error';

/** Each bound: the variable that sets it and the status a refusal answers with, declared once. */
export const BOUNDS: Record<keyof RegistryBounds, { variable: string; status: number }> = {
  maxBodyBytes: { variable: 'REGISTRY_MAX_BODY_BYTES', status: 413 },
  maxServices: { variable: 'REGISTRY_MAX_SERVICES', status: 409 },
  maxInstancesPerService: { variable: 'REGISTRY_MAX_INSTANCES_PER_SERVICE', status: 409 },
  maxNewRegistrationsPerMinute: { variable: 'REGISTRY_MAX_NEW_REGISTRATIONS_PER_MINUTE', status: 429 },
  maxWatchesPerClient: { variable: 'REGISTRY_MAX_WATCHES_PER_CLIENT', status: 429 },
  maxTags: { variable: 'REGISTRY_MAX_TAGS', status: 400 },
  maxTagLength: { variable: 'REGISTRY_MAX_TAG_LENGTH', status: 400 },
  maxMetadataEntries: { variable: 'REGISTRY_MAX_METADATA_ENTRIES', status: 400 },
  maxMetadataValueLength: { variable: 'REGISTRY_MAX_METADATA_VALUE_LENGTH', status: 400 },
};

/**
 * A request the registry refuses because it would pass one of its bounds; nothing was written. The message
 * names the bound's variable and its value: `calc has 1000 instances, the most REGISTRY_MAX_INSTANCES_PER_SERVICE (1000) allows`.
 */
export class BoundExceededError extends RegistryError {
  readonly code = 'BOUND_EXCEEDED';
  readonly status: number;
  /** A rate refusal clears by itself; a count refusal when something is deregistered or expires. */
  readonly retryable: boolean;

  constructor(
    readonly bound: keyof RegistryBounds,
    limit: number,
    what: string,
    /** For a rate bound: how long until the same request is admitted. */
    retryAfterMs?: number,
  ) {
    super(`${what}, the most ${BOUNDS[bound].variable} (${limit}) allows`, retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000)));
    this.status = BOUNDS[bound].status;
    this.retryable = this.status === 429;
  }
}
