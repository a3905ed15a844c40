import type { RegistryInstance, ServiceMap } from '@nest-discovery/registry-api';

/** One field of an instance that changed; nested fields are dotted (`endpointHealth.grpc.status`). @internal */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** What happened to one instance between two revisions (the shape `watch --json` prints). @internal */
export type InstanceChange =
  | { change: 'added'; instance: RegistryInstance }
  | { change: 'removed'; instance: RegistryInstance }
  | { change: 'updated'; instance: RegistryInstance; fields: FieldChange[] };

/** Fields that move on every renewal or never: no change worth a line. */
const IGNORED_FIELDS = new Set(['lastHeartbeat', 'registeredAt']);

/** Fields keyed by endpoint name: a change is told per endpoint (`endpointHealth.grpc.status`), not as the whole map. */
const PER_ENDPOINT_FIELDS = new Set(['endpoints', 'endpointHealth']);

/**
 * What changed between two service maps, instance by instance: added and updated ones in `after`'s order,
 * then removed ones. A renewal alone is no change.
 * @internal
 */
export function diffServices(before: ServiceMap, after: ServiceMap): InstanceChange[] {
  const old = byKey(before);
  const now = byKey(after);
  const changes: InstanceChange[] = [];
  for (const [key, instance] of now) {
    const previous = old.get(key);
    if (previous === undefined) changes.push({ change: 'added', instance });
    else {
      const fields = changedFields(previous, instance);
      if (fields.length > 0) changes.push({ change: 'updated', instance, fields });
    }
  }
  for (const [key, instance] of old) if (!now.has(key)) changes.push({ change: 'removed', instance });
  return changes;
}

function byKey(services: ServiceMap): Map<string, RegistryInstance> {
  return new Map(Object.values(services).flat().map((instance) => [`${instance.name}/${instance.id}`, instance]));
}

type Fields = Readonly<Record<string, unknown>>;

/** Compares two JSON objects (instances, or their maps of endpoints) key by key. */
function changedFields(before: object | undefined, after: object | undefined, path: string[] = []): FieldChange[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].flatMap((key) => {
    const [from, to] = [(before as Fields | undefined)?.[key], (after as Fields | undefined)?.[key]];
    if ((path.length === 0 && IGNORED_FIELDS.has(key)) || JSON.stringify(from) === JSON.stringify(to)) return [];
    // Under endpoints/endpointHealth, two levels down: the endpoint's name, then its own field.
    const perEndpoint = path.length === 0 ? PER_ENDPOINT_FIELDS.has(key) : path.length === 1;
    if (perEndpoint && isPlainObject(from ?? {}) && isPlainObject(to ?? {})) {
      return changedFields(from as Fields | undefined, to as Fields | undefined, [...path, key]);
    }
    return [{ field: [...path, key].join('.'), from, to }];
  });
}

function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
