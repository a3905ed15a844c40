import type { RegistryInstance } from '@nest-discovery/registry-api';

/** `host:port`, with an IPv6 host in brackets. @internal */
export function address(instance: Pick<RegistryInstance, 'host' | 'port'>): string {
  return instance.host.includes(':') ? `[${instance.host}]:${instance.port}` : `${instance.host}:${instance.port}`;
}

/** `passing`, plus `, drained` when the registry reports the instance disabled (`enabled: false`). @internal */
export function status(instance: Pick<RegistryInstance, 'status' | 'enabled'>): string {
  return instance.enabled === false ? `${instance.status}, drained` : instance.status;
}

/**
 * An instance's named endpoints (its other listeners), by name, with what the registry concluded of each:
 * `admin:9464/http (critical)`, `grpc:50051 (passing)`. No `endpointHealth` entry means passing.
 * @internal
 */
export function endpoints(instance: RegistryInstance): string[] {
  const byName = Object.entries(instance.endpoints ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return byName.map(([name, endpoint]) => {
    const protocol = endpoint.protocol && endpoint.protocol !== name ? `/${endpoint.protocol}` : '';
    return `${name}:${endpoint.port}${protocol} (${endpointStatus(instance, name)})`;
  });
}

/** Per endpoint name across a service's instances: `grpc 1/2 passing`. @internal */
export function endpointCounts(instances: readonly RegistryInstance[]): string[] {
  const counts = new Map<string, { passing: number; total: number }>();
  for (const instance of instances) {
    for (const name of Object.keys(instance.endpoints ?? {})) {
      const count = counts.get(name) ?? { passing: 0, total: 0 };
      count.total += 1;
      if (endpointStatus(instance, name) === 'passing') count.passing += 1;
      counts.set(name, count);
    }
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, { passing, total }]) => `${name} ${passing}/${total} passing`);
}

function endpointStatus(instance: RegistryInstance, name: string): string {
  return instance.endpointHealth?.[name]?.status ?? 'passing';
}
