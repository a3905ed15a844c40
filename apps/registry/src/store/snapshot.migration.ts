import { InstanceEndpoint, RegistryInstance } from '../registry/instance.entity';

/** The snapshot format this registry writes. */
export const SNAPSHOT_VERSION = 2;

/** What {@link foldEndpointEntries} did, for the start log. */
export interface SnapshotMigration {
  instances: RegistryInstance[];
  /** Sidecar entries folded into their instance as a named endpoint. */
  folded: number;
}

/**
 * Version 1 (before named endpoints) registered an app's gRPC listener as a second instance, id
 * `<main id>-grpc`, protocol `grpc`, same name and host. Such an entry whose main instance is in the same
 * snapshot becomes that instance's `grpc` endpoint (with its check); any other entry is kept as it is,
 * so nothing is dropped. The old library keeps renewing the sidecar until it is upgraded; those renewals
 * simply re-create the separate entry. @internal
 */
export function foldEndpointEntries(instances: readonly RegistryInstance[]): SnapshotMigration {
  const byId = new Map(instances.map((instance) => [instance.id, instance]));
  const endpoints = new Map<string, Record<string, InstanceEndpoint>>();
  const sidecars = new Set<string>();
  for (const entry of instances) {
    const main = entry.protocol === 'grpc' && entry.id.endsWith('-grpc') ? byId.get(entry.id.slice(0, -'-grpc'.length)) : undefined;
    if (main === undefined || main.name !== entry.name || main.host !== entry.host || main.protocol === 'grpc') continue;
    const own = endpoints.get(main.id) ?? { ...main.endpoints };
    if (own.grpc !== undefined) continue;
    own.grpc = { port: entry.port, protocol: 'grpc', ...(entry.check === undefined ? {} : { check: entry.check }) };
    endpoints.set(main.id, own);
    sidecars.add(entry.id);
  }
  return {
    instances: instances
      .filter((instance) => !sidecars.has(instance.id))
      .map((instance) => {
        const own = endpoints.get(instance.id);
        return own === undefined ? instance : { ...instance, endpoints: own };
      }),
    folded: sidecars.size,
  };
}
