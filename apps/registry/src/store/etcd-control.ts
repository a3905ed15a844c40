import { RegistryInstance } from '../registry/instance.entity';
import { InstanceControl, sameEndpointStatuses, sameOverrides, withControl } from './instance.fields';

/**
 * What `<prefix>/control/<name>/<id>` holds: the part of an instance the registry decides (health, an
 * operator's overrides), kept apart from the instance key so the instance's own writes and the
 * registry's never overwrite each other, and attached to the instance's lease so it dies with it.
 *
 * `quiet` marks a write that only carried a new probe output: watches apply it without a new registry
 * revision, and it holds the revision of the key's last write that did count (0: none), which is what
 * a replica loading the key later must count instead of the key's own mod revision. @internal
 */
export interface StoredControl extends InstanceControl {
  quiet?: number;
}

/** The stored JSON of `control` (only the fields it sets). @internal */
export function controlJson(control: StoredControl): string {
  return JSON.stringify({
    status: control.status,
    statusSince: control.statusSince,
    checkOutput: control.checkOutput,
    overrides: control.overrides,
    endpointHealth: control.endpointHealth,
    quiet: control.quiet,
  });
}

/** The revision a control key at `modRevision` counts for in the registry's revision. @internal */
export function countedRevision(control: StoredControl, modRevision: number): number {
  return control.quiet ?? modRevision;
}

/** Whether two controls differ in nothing but the probe's output. @internal */
export function sameDecision(a: InstanceControl, b: InstanceControl): boolean {
  return (
    a.status === b.status &&
    a.statusSince === b.statusSince &&
    sameOverrides(a.overrides, b.overrides) &&
    sameEndpointStatuses(a.endpointHealth, b.endpointHealth)
  );
}

/** The instance as served: as it registered (`registered`), with the registry's control applied. @internal */
export function served(registered: RegistryInstance, control: StoredControl | undefined): RegistryInstance {
  return control === undefined ? registered : withControl(registered, control);
}
