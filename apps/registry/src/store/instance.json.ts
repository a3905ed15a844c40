import { InstanceRegistration, RegistryInstance } from '../registry/instance.entity';

/**
 * Canonical JSON of every field but the two timestamps, ending in a comma so the timestamps follow:
 * `{"id":…,"status":"passing",`. Two registrations with equal fields give equal strings (metadata keys
 * are sorted), so remote stores compare renewals as strings. @internal
 */
export function instanceBody(id: string, registration: InstanceRegistration): string {
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(registration.metadata).sort()) metadata[key] = registration.metadata[key];
  const json = JSON.stringify({
    id,
    name: registration.name,
    host: registration.host,
    port: registration.port,
    protocol: registration.protocol,
    tags: registration.tags,
    metadata,
    weight: registration.weight,
    ttlSeconds: registration.ttlSeconds,
    status: 'passing',
  });
  return `${json.slice(0, -1)},`;
}

/** The stored JSON: the body, then `registeredAt` and `lastHeartbeat`. @internal */
export function instanceJson(body: string, registeredAt: string, lastHeartbeat: string): string {
  return `${body}"registeredAt":"${registeredAt}","lastHeartbeat":"${lastHeartbeat}"}`;
}

/** Parses a list of stored instance JSONs in one go. @internal */
export function parseInstances(jsons: readonly string[]): RegistryInstance[] {
  return jsons.length === 0 ? [] : (JSON.parse(`[${jsons.join(',')}]`) as RegistryInstance[]);
}
