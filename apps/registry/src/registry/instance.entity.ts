import { InstanceStatus, RegistryInstance, ServiceMap } from '@nest-discovery/registry-api';

// The wire contract (instance model, names, routing rules) is declared once, in @nest-discovery/registry-api,
// for the registry and the discovery library alike; what follows is the registry's own, internal view.
export * from '@nest-discovery/registry-api';

/** What a register call asks for, after validation and defaults: the fields an instance declares itself. */
export type InstanceRegistration = Pick<
  RegistryInstance,
  'name' | 'host' | 'port' | 'protocol' | 'tags' | 'metadata' | 'weight' | 'ttlSeconds' | 'check' | 'endpoints'
> & { id?: string };

/** What a health check concluded, as the checker hands it to the store. */
export interface HealthUpdate {
  status: InstanceStatus;
  /** The last probe's outcome, e.g. `HTTP 200`, `connect ECONNREFUSED`. */
  output: string;
  /** The named endpoint the check probed; absent: the instance's primary check. */
  endpoint?: string;
}

/** How many services and instances a service map holds (what `/health` reports). */
export function countListing(services: ServiceMap): { services: number; instances: number } {
  let count = 0;
  let instances = 0;
  for (const name in services) {
    count++;
    instances += services[name].length;
  }
  return { services: count, instances };
}
