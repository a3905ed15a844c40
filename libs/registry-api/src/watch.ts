import { RegistryInstance } from './instance';
import { SERVICE_NAME_PATTERN } from './names';

/** Most services one `GET /watch/services` may subscribe to. */
export const MAX_WATCHED_SERVICES = 100;

/** What changed in one service since the caller's revision (routable instances only, like every read). */
export interface ServiceDelta {
  /** Instances the caller does not hold yet: new, or routable again (undrained, passing again). */
  added: RegistryInstance[];
  /** Instances the caller holds, as they are now. */
  updated: RegistryInstance[];
  /** Ids of instances that left the service or stopped being routable. */
  removed: string[];
}

/** A delta answer of `GET /watch/services`: only the services that changed are listed. */
export interface DeltaWatchAnswer {
  revision: number;
  /** The registry's change history this revision belongs to: send it back with the revision. */
  epoch: string;
  full: false;
  changes: Record<string, ServiceDelta>;
}

/**
 * A full answer: every subscribed service's routable instances (`[]` when it has none); the caller
 * replaces what it holds of them. Given on a first call, after a registry restart (another epoch) or
 * for a revision the registry no longer remembers.
 */
export interface FullWatchAnswer {
  revision: number;
  epoch: string;
  full: true;
  services: Record<string, RegistryInstance[]>;
}

/** Answer of `GET /watch/services?services=a,b&revision=N&epoch=E&timeoutSeconds=T`. */
export type ServiceWatchAnswer = DeltaWatchAnswer | FullWatchAnswer;

/**
 * Parses the `services` parameter (comma separated names): the names, deduplicated in order, or a
 * message naming what is wrong.
 *
 * @example
 * parseWatchedServices('calc,orders'); // ['calc', 'orders']
 * parseWatchedServices('calc,,x y'); // 'services must be 1 to 100 comma-separated service names …'
 */
export function parseWatchedServices(value: unknown): string[] | string {
  if (typeof value !== 'string' || value.length === 0) return `services must be 1 to ${MAX_WATCHED_SERVICES} comma-separated service names`;
  const names = [...new Set(value.split(','))];
  if (names.length > MAX_WATCHED_SERVICES) return `services must name at most ${MAX_WATCHED_SERVICES} services`;
  const bad = names.find((name) => !SERVICE_NAME_PATTERN.test(name));
  if (bad !== undefined) return `services: ${JSON.stringify(bad.slice(0, 70))} is not a service name (${SERVICE_NAME_PATTERN.source})`;
  return names;
}
