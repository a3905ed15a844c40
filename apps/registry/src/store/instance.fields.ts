import {
  HealthUpdate,
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
    status: 'passing',
    enabled: true,
    registeredAt,
    lastHeartbeat: new Date(now).toISOString(),
  };
  return control === undefined ? instance : withControl(instance, control);
}

/** The control part of a stored instance. @internal */
export function controlOf(instance: RegistryInstance): InstanceControl {
  const { status, statusSince, checkOutput, overrides } = instance;
  return { status, statusSince, checkOutput, overrides };
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
  return next;
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
    sameCheck(current.check, next.check)
  );
}

function sameCheck(a: InstanceRegistration['check'], b: InstanceRegistration['check']): boolean {
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
