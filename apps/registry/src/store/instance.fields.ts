import {
  EndpointHealth,
  HealthCheck,
  HealthUpdate,
  InstanceEndpoint,
  InstanceOverrides,
  InstancePatch,
  InstanceRegistration,
  RegistryInstance,
} from '../registry/instance.entity';

/**
 * The part of an instance the registry decides rather than the instance: its health and an operator's
 * overrides. A renewal carries it over unchanged. @internal
 */
export interface InstanceControl {
  status: RegistryInstance['status'];
  statusSince?: string;
  checkOutput?: string;
  overrides?: InstanceOverrides;
  /** Per named endpoint with a check; absent entries are passing. */
  endpointHealth?: Readonly<Record<string, EndpointHealth>>;
}

/** Builds the stored, JSON-ready instance from a registration. @internal */
export function toInstance(
  registration: InstanceRegistration,
  id: string,
  registeredAt: string,
  now: number,
  control?: InstanceControl,
): RegistryInstance {
  const instance: RegistryInstance = {
    id,
    name: registration.name,
    host: registration.host,
    port: registration.port,
    protocol: registration.protocol,
    tags: [...registration.tags],
    metadata: { ...registration.metadata },
    weight: registration.weight,
    ttlSeconds: registration.ttlSeconds,
    ...(registration.check === undefined ? {} : { check: { ...registration.check } }),
    ...(registration.endpoints === undefined ? {} : { endpoints: copyEndpoints(registration.endpoints) }),
    status: 'passing',
    enabled: true,
    registeredAt,
    lastHeartbeat: new Date(now).toISOString(),
  };
  return control === undefined ? instance : withControl(instance, control);
}

/** The control part of a stored instance. @internal */
export function controlOf(instance: RegistryInstance): InstanceControl {
  const { status, statusSince, checkOutput, overrides, endpointHealth } = instance;
  return { status, statusSince, checkOutput, overrides, endpointHealth };
}

/**
 * `instance` (as registered: its own weight, enabled) with `control` applied: the effective weight
 * and enabled flag, health, and the overrides listed. Returns a new object. @internal
 */
export function withControl(instance: RegistryInstance, control: InstanceControl): RegistryInstance {
  const { overrides } = control;
  const next: RegistryInstance = { ...instance, status: control.status, enabled: overrides?.enabled ?? true };
  if (overrides?.weight !== undefined) next.weight = overrides.weight;
  if (overrides !== undefined && Object.keys(overrides).length > 0) next.overrides = overrides;
  else delete next.overrides;
  if (control.statusSince !== undefined) next.statusSince = control.statusSince;
  if (control.checkOutput !== undefined) next.checkOutput = control.checkOutput;
  // Only the endpoints the instance still lists: a renewal that dropped one drops its health too.
  const endpointHealth = healthOfListed(control.endpointHealth, instance.endpoints);
  if (endpointHealth === undefined) delete next.endpointHealth;
  else next.endpointHealth = endpointHealth;
  return next;
}

function healthOfListed(
  health: InstanceControl['endpointHealth'],
  endpoints: RegistryInstance['endpoints'],
): InstanceControl['endpointHealth'] {
  if (health === undefined || endpoints === undefined) return undefined;
  let kept: Record<string, EndpointHealth> | undefined;
  for (const name in health) {
    if (endpoints[name] === undefined) continue;
    (kept ??= {})[name] = health[name];
  }
  return kept;
}

/**
 * The overrides after an operator's patch, or undefined when none remain. `enabled: true` and
 * `weight: null` lift an override rather than pin the value. @internal
 */
export function patchOverrides(current: InstanceOverrides | undefined, patch: InstancePatch): InstanceOverrides | undefined {
  const next: InstanceOverrides = { ...current };
  if (patch.enabled === true) delete next.enabled;
  else if (patch.enabled === false) next.enabled = false;
  if (patch.weight === null) delete next.weight;
  else if (patch.weight !== undefined) next.weight = patch.weight;
  return Object.keys(next).length > 0 ? next : undefined;
}

/** Whether two overrides say the same. @internal */
export function sameOverrides(a: InstanceOverrides | undefined, b: InstanceOverrides | undefined): boolean {
  return a?.enabled === b?.enabled && a?.weight === b?.weight;
}

/**
 * The control after a health update; `statusSince` moves only when the status does. The second value
 * says whether listeners must hear of it (a status change; a new probe output alone is not worth a
 * revision). @internal
 */
export function applyHealth(current: InstanceControl, update: HealthUpdate, nowIso: string): [InstanceControl, boolean] {
  if (update.endpoint !== undefined) return applyEndpointHealth(current, update.endpoint, update, nowIso);
  const changed = current.status !== update.status;
  return [
    {
      ...current,
      status: update.status,
      statusSince: changed ? nowIso : current.statusSince,
      checkOutput: update.output,
    },
    changed,
  ];
}

/** {@link applyHealth} of one named endpoint's check: the instance's own status is left as it is. */
function applyEndpointHealth(
  current: InstanceControl,
  endpoint: string,
  update: HealthUpdate,
  nowIso: string,
): [InstanceControl, boolean] {
  const before: EndpointHealth = current.endpointHealth?.[endpoint] ?? { status: 'passing' };
  const changed = before.status !== update.status;
  const statusSince = changed ? nowIso : before.statusSince;
  const next: EndpointHealth = {
    status: update.status,
    ...(statusSince === undefined ? {} : { statusSince }),
    checkOutput: update.output,
  };
  return [{ ...current, endpointHealth: { ...current.endpointHealth, [endpoint]: next } }, changed];
}

/** Whether two controls say the same of every endpoint's status (outputs aside). @internal */
export function sameEndpointStatuses(a: InstanceControl['endpointHealth'], b: InstanceControl['endpointHealth']): boolean {
  const names = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  for (const name of names) {
    if ((a?.[name]?.status ?? 'passing') !== (b?.[name]?.status ?? 'passing')) return false;
    if (a?.[name]?.statusSince !== b?.[name]?.statusSince) return false;
  }
  return true;
}

/**
 * Whether a renewal leaves every field but `lastHeartbeat` as it was (so the revision stays).
 * @internal
 */
export function sameFields(
  current: RegistryInstance,
  next: InstanceRegistration,
  declaredWeight: number = current.weight,
): boolean {
  return (
    current.host === next.host &&
    current.port === next.port &&
    current.protocol === next.protocol &&
    declaredWeight === next.weight &&
    current.ttlSeconds === next.ttlSeconds &&
    sameList(current.tags, next.tags) &&
    sameMap(current.metadata, next.metadata) &&
    sameCheck(current.check, next.check) &&
    sameEndpoints(current.endpoints, next.endpoints)
  );
}

function sameEndpoints(a: InstanceRegistration['endpoints'], b: InstanceRegistration['endpoints']): boolean {
  if (a === undefined || b === undefined) return a === b;
  const names = Object.keys(b);
  if (Object.keys(a).length !== names.length) return false;
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (x === undefined || x.port !== y.port || x.protocol !== y.protocol || !sameCheck(x.check, y.check)) return false;
  }
  return true;
}

/** A deep copy, so the stored instance shares nothing with the (frozen, memoised) request body. @internal */
export function copyEndpoints(endpoints: Readonly<Record<string, InstanceEndpoint>>): Record<string, InstanceEndpoint> {
  const copy: Record<string, InstanceEndpoint> = {};
  for (const name of Object.keys(endpoints)) {
    const { port, protocol, check } = endpoints[name];
    copy[name] = { port, protocol, ...(check === undefined ? {} : { check: { ...check } }) };
  }
  return copy;
}

function sameCheck(a: HealthCheck | undefined, b: HealthCheck | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.type === b.type &&
    a.path === b.path &&
    a.service === b.service &&
    a.intervalSeconds === b.intervalSeconds &&
    a.timeoutSeconds === b.timeoutSeconds &&
    a.failuresBeforeCritical === b.failuresBeforeCritical &&
    a.successesBeforePassing === b.successesBeforePassing &&
    a.deregisterCriticalAfterSeconds === b.deregisterCriticalAfterSeconds
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
