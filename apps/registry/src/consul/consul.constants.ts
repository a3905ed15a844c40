/**
 * Lifetime of an instance registered through the Consul agent API without a TTL check: a Consul agent keeps
 * its services until they are deregistered (or their check is critical for `DeregisterCriticalServiceAfter`),
 * so the registry holds such an instance as if it renewed it — ten years without a renewal. @internal
 */
export const AGENT_HELD_TTL_SECONDS = 10 * 365 * 24 * 3600;

/** Consul's id of a service's check: the registry runs one per instance, so it is the service's. */
export const CHECK_ID_PREFIX = 'service:';

/** Consul's id of the check that maintenance mode adds: what a drained instance shows. */
export const MAINTENANCE_CHECK_ID_PREFIX = '_service_maintenance:';

/** The longest blocking query (Consul's own cap) and the default `wait`. */
export const MAX_WAIT_MS = 10 * 60_000;
export const DEFAULT_WAIT_MS = 5 * 60_000;
