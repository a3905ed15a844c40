import { HealthCheck, InstanceEndpoint, InstanceOverrides, InstanceRegistration, RegistryInstance } from '../registry/instance.entity';
import { controlOf, InstanceControl, withControl } from './instance.fields';

/**
 * Canonical JSON of every field the instance registers, ending in a comma so the timestamps follow:
 * `{"id":…,"check":{…},"status":"passing","enabled":true,`. Two registrations with equal fields give
 * equal strings (metadata keys are sorted, check fields come in one order), so remote stores compare
 * renewals as strings. It holds the instance's own weight and the defaults of what the registry decides
 * (passing, enabled): a {@link controlJson} stored beside it is applied on read. @internal
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
    check: registration.check === undefined ? undefined : canonicalCheck(registration.check),
    endpoints: registration.endpoints === undefined ? undefined : canonicalEndpoints(registration.endpoints),
    status: 'passing',
    enabled: true,
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

/**
 * What the registry decided about an instance, stored beside it as the JSON of the fields it makes the
 * instance serve — `withControl` applied to nothing: `{"status":…,"enabled":…}`, then `weight`,
 * `overrides`, `statusSince`, `checkOutput` when set — or `''` when that is all defaults (passing, never
 * changed, no overrides), which is what most instances store. Canonical: equal controls, equal strings.
 * Appended to the instance's JSON ({@link withControlJson}) it overrides the instance's own fields, so
 * a list of instances is still parsed in one go. @internal
 */
export function controlJson(control: InstanceControl): string {
  const { status, statusSince, checkOutput, overrides, endpointHealth } = control;
  const endpoints = endpointHealth !== undefined && Object.keys(endpointHealth).length > 0 ? endpointHealth : undefined;
  const pinned: InstanceOverrides = {
    ...(overrides?.enabled === undefined ? {} : { enabled: overrides.enabled }),
    ...(overrides?.weight === undefined ? {} : { weight: overrides.weight }),
  };
  const empty = pinned.enabled === undefined && pinned.weight === undefined;
  if (status === 'passing' && statusSince === undefined && checkOutput === undefined && empty && endpoints === undefined) return '';
  const fields = withControl({} as RegistryInstance, { status, statusSince, checkOutput, overrides: empty ? undefined : pinned });
  // Kept whole here; on read, withControl keeps only the endpoints the instance still lists.
  if (endpoints !== undefined) fields.endpointHealth = canonicalEndpointHealth(endpoints);
  return JSON.stringify(fields);
}

/** The control a {@link controlJson} string describes (`''`: the defaults). @internal */
export function parseControl(json: string): InstanceControl {
  return json === '' ? { status: 'passing' } : controlOf(JSON.parse(json) as RegistryInstance);
}

/**
 * An instance's stored JSON with its {@link controlJson} fields appended: `JSON.parse` keeps the last of
 * duplicate keys (ECMA-262), so the result parses into `withControl(instance, control)` — a string
 * splice instead of a parse and a copy per instance, so a list still parses in one go. @internal
 */
export function withControlJson(json: string, control: string): string {
  return control === '' ? json : `${json.slice(0, -1)},${control.slice(1)}`;
}

function canonicalEndpoints(endpoints: Readonly<Record<string, InstanceEndpoint>>): Record<string, InstanceEndpoint> {
  const canonical: Record<string, InstanceEndpoint> = {};
  for (const name of Object.keys(endpoints).sort()) {
    const { port, protocol, check } = endpoints[name];
    canonical[name] = { port, protocol, check: check === undefined ? undefined : canonicalCheck(check) };
  }
  return canonical;
}

function canonicalEndpointHealth(health: NonNullable<InstanceControl['endpointHealth']>): NonNullable<InstanceControl['endpointHealth']> {
  const canonical: Record<string, { status: RegistryInstance['status']; statusSince?: string; checkOutput?: string }> = {};
  for (const name of Object.keys(health).sort()) {
    const { status, statusSince, checkOutput } = health[name];
    canonical[name] = { status, statusSince, checkOutput };
  }
  return canonical;
}

function canonicalCheck(check: HealthCheck): HealthCheck {
  return {
    type: check.type,
    path: check.path,
    service: check.service,
    intervalSeconds: check.intervalSeconds,
    timeoutSeconds: check.timeoutSeconds,
    failuresBeforeCritical: check.failuresBeforeCritical,
    successesBeforePassing: check.successesBeforePassing,
    deregisterCriticalAfterSeconds: check.deregisterCriticalAfterSeconds,
  };
}
