import { InstanceRegistration, RegistryInstance } from '../registry/instance.entity';

/** Builds the stored, JSON-ready instance from a registration. @internal */
export function toInstance(
  registration: InstanceRegistration,
  id: string,
  registeredAt: string,
  now: number,
): RegistryInstance {
  return {
    id,
    name: registration.name,
    host: registration.host,
    port: registration.port,
    protocol: registration.protocol,
    tags: [...registration.tags],
    metadata: { ...registration.metadata },
    weight: registration.weight,
    ttlSeconds: registration.ttlSeconds,
    status: 'passing',
    registeredAt,
    lastHeartbeat: new Date(now).toISOString(),
  };
}

/**
 * Whether a renewal leaves every field but `lastHeartbeat` as it was (so the revision stays).
 * @internal
 */
export function sameFields(current: RegistryInstance, next: InstanceRegistration): boolean {
  return (
    current.host === next.host &&
    current.port === next.port &&
    current.protocol === next.protocol &&
    current.weight === next.weight &&
    current.ttlSeconds === next.ttlSeconds &&
    sameList(current.tags, next.tags) &&
    sameMap(current.metadata, next.metadata)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let count = 0;
  for (const key in b) {
    if (!Object.hasOwn(a, key) || a[key] !== b[key]) return false;
    count++;
  }
  return Object.keys(a).length === count;
}
