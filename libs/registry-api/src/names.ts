/** Service names (the register body's `name` and the `:name` route parameter). */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Instance ids: a name, a dash and a random suffix when assigned, anything similar when chosen. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Endpoint names: `grpc`, `admin`, `metrics-tcp`… */
export const ENDPOINT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** An instance lists at most this many named endpoints beside its primary address. */
export const MAX_ENDPOINTS = 8;

/** A check's `path`: a path on the instance itself — no scheme, no host — so a check cannot be aimed elsewhere. */
export const CHECK_PATH_PATTERN = /^\/(?!\/)[^\s#]*$/;

/**
 * The most tags and metadata one registration may carry, and their sizes: the contract's ceilings. A registry
 * may be configured tighter (`REGISTRY_MAX_TAGS`…), never looser.
 */
export const REGISTRATION_LIMITS = {
  tags: 32,
  tagLength: 128,
  metadataEntries: 64,
  metadataKeyLength: 128,
  metadataValueLength: 1024,
} as const;
