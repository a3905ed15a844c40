import { RegistryInstance, ServiceDelta } from '@nest-discovery/registry-api';
import { isRoutable } from '../registry/instance.entity';
import { LoggedChange } from './change.log';

/**
 * Folds a service's logged changes (oldest first) into what a client holding the routable listing
 * before them must do: each instance's presence before the first change against its state after the
 * last. An instance registered and gone within the range, or never routable, is left out. @internal
 */
export function serviceDelta(changes: readonly LoggedChange[]): ServiceDelta {
  const byId = new Map<string, { wasShown: boolean; after: RegistryInstance | undefined }>();
  for (const { change } of changes) {
    const seen = byId.get(change.id);
    if (seen === undefined) byId.set(change.id, { wasShown: change.before === 'routable', after: change.after });
    else seen.after = change.after;
  }
  const delta: ServiceDelta = { added: [], updated: [], removed: [] };
  for (const [id, { wasShown, after }] of byId) {
    const shown = after !== undefined && isRoutable(after);
    if (shown) (wasShown ? delta.updated : delta.added).push(after);
    else if (wasShown) delta.removed.push(id);
  }
  return delta;
}

/** Whether a delta says nothing. */
export function isEmptyDelta(delta: ServiceDelta): boolean {
  return delta.added.length === 0 && delta.updated.length === 0 && delta.removed.length === 0;
}
