import { isRoutable, RegistryInstance, RegistryState, ServiceMap } from '../registry/instance.entity';
import { InstanceChange, InstancePresence, StoreCensus } from './registry-store.interface';
import { countedRevision, sameDecision, served, StoredControl } from './etcd-control';

/** One instance as the mirror holds it. @internal */
export interface MirrorEntry {
  /** What the instance key holds: the instance as it registered (its own weight; passing, enabled). */
  registered: RegistryInstance;
  /** What reads serve: `registered` with its control key applied (the same object when there is none). */
  instance: RegistryInstance;
  /** The etcd lease the key is attached to (decimal string). */
  lease: string;
  modRevision: number;
}

/** An instance's control key as the mirror holds it. @internal */
export interface MirrorControl {
  control: StoredControl;
  modRevision: number;
}

/** A key's change, as the watch (or the initial range) reports it. @internal */
export interface MirrorEvent {
  type: 'put' | 'delete';
  /** `instance`: `<prefix>/instances/<name>/<id>`; `control`: `<prefix>/control/<name>/<id>`. */
  key: 'instance' | 'control';
  name: string;
  id: string;
  revision: number;
  /** The key's JSON and its lease, for puts. */
  value?: string;
  lease?: string;
}

const EMPTY: readonly RegistryInstance[] = Object.freeze([]);

/**
 * A replica's in-memory copy of the instances and control keys under the etcd prefix, fed by the
 * initial range and then by the watch, so reads cost no round trip. Its revision is the etcd revision of
 * the last change it applied that counts (a probe output alone does not): every replica that applied
 * the same events reports the same number. Writes wait with {@link waitFor} until the watch has brought
 * the mirror to their own etcd revision, so a replica always reads its own writes. Lists are
 * copy-on-write, like the memory store's. @internal
 */
export class EtcdMirror {
  private readonly byId = new Map<string, MirrorEntry>();
  private readonly controls = new Map<string, MirrorControl>();
  private readonly byService = new Map<string, readonly RegistryInstance[]>();
  private readonly waiters = new Set<{ revision: number; resolve(): void }>();
  /** Counted instance changes not yet announced (see {@link takeChanges}). */
  private pending: InstanceChange[] | undefined = [];
  private current = 0;
  /** The etcd revision the mirror has applied, counted or not (what writers wait for). */
  private seen = 0;
  private stateCache: RegistryState | undefined;

  get revision(): number {
    return this.current;
  }

  /**
   * Replaces everything with a full read made at etcd revision `readAt` (events in creation order). The
   * revision becomes the latest counted change among them, or `lastDeletion` when that is later.
   */
  reset(events: readonly MirrorEvent[], lastDeletion: number, readAt: number): void {
    this.pending = undefined;
    this.byId.clear();
    this.controls.clear();
    this.byService.clear();
    let revision = lastDeletion;
    for (const event of events) {
      if (event.key === 'instance') {
        this.putInstance(event);
        revision = Math.max(revision, event.revision);
      } else {
        const control = this.putControl(event);
        this.refresh(event.id);
        revision = Math.max(revision, countedRevision(control, event.revision));
      }
    }
    this.current = Math.max(this.current, revision);
    this.seen = Math.max(this.seen, readAt);
    this.stateCache = undefined;
    this.release();
  }

  /** Applies one watch batch; answers the removed instances (with their last known fields). */
  apply(events: readonly MirrorEvent[]): RegistryInstance[] {
    const removed: RegistryInstance[] = [];
    for (const event of events) {
      if (this.applyOne(event, removed)) this.current = Math.max(this.current, event.revision);
      this.seen = Math.max(this.seen, event.revision);
    }
    this.release();
    return removed;
  }

  /**
   * The instance changes that counted since the last call, for the watch's change log; undefined when the
   * mirror was reloaded meanwhile (a whole new state, no delta leads to it).
   */
  takeChanges(): readonly InstanceChange[] | undefined {
    const changes = this.pending;
    this.pending = [];
    return changes;
  }

  entry(id: string): MirrorEntry | undefined {
    return this.byId.get(id);
  }

  control(id: string): MirrorControl | undefined {
    return this.controls.get(id);
  }

  /** A renewal this replica handled: only `lastHeartbeat` changes, in place (the revision stays). */
  heartbeat(id: string, at: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    entry.registered.lastHeartbeat = at;
    entry.instance.lastHeartbeat = at;
  }

  get(name: string): readonly RegistryInstance[] {
    return this.byService.get(name) ?? EMPTY;
  }

  /** See {@link RegistryStore.census}: from the mirror, no etcd call. */
  census(name: string, id: string | undefined): StoreCensus {
    const entry = id === undefined ? undefined : this.byId.get(id);
    return { registered: entry?.instance.name === name, instances: this.get(name).length, services: this.byService.size };
  }

  all(): RegistryState {
    if (this.stateCache === undefined) {
      const services: ServiceMap = {};
      for (const [name, instances] of this.byService) services[name] = instances;
      this.stateCache = { revision: this.current, services };
    }
    return this.stateCache;
  }

  /** Resolves once the mirror has applied etcd revision `revision` (or after `timeoutMs`: false). */
  waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.seen >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  /** Applies one event; true when it counts for the registry's revision. */
  private applyOne(event: MirrorEvent, removed: RegistryInstance[]): boolean {
    const before = presenceOf(this.byId.get(event.id)?.instance);
    if (event.key === 'instance') {
      if (event.type === 'put') this.putInstance(event);
      else {
        const gone = this.removeInstance(event.id);
        if (gone) removed.push(gone);
      }
      this.stateCache = undefined;
      this.pending?.push({ service: event.name, id: event.id, before, after: this.byId.get(event.id)?.instance });
      return true;
    }
    if (event.type === 'delete') {
      // Only ever deleted with its instance (same lease, or the same deregistration), which counts.
      if (this.controls.delete(event.id)) this.refresh(event.id);
      return false;
    }
    const previous = this.controls.get(event.id)?.control;
    const control = this.putControl(event);
    const entry = this.byId.get(event.id);
    if (control.quiet !== undefined && previous !== undefined && sameDecision(previous, control)) {
      // A probe output alone: news for the dashboard, not for clients (as in the memory store).
      if (entry && entry.instance !== entry.registered) {
        entry.instance.checkOutput = control.checkOutput;
        entry.instance.endpointHealth = served(entry.registered, control).endpointHealth;
      }
      return false;
    }
    this.refresh(event.id);
    if (control.quiet !== undefined) return false;
    if (entry !== undefined) this.pending?.push({ service: event.name, id: event.id, before, after: this.byId.get(event.id)?.instance });
    return true;
  }

  private putInstance(event: MirrorEvent): void {
    const registered = JSON.parse(event.value as string) as RegistryInstance;
    const instance = served(registered, this.controls.get(event.id)?.control);
    const previous = this.byId.get(event.id);
    this.byId.set(event.id, { registered, instance, lease: event.lease ?? '0', modRevision: event.revision });
    this.list(event.name, previous === undefined ? undefined : event.id, instance);
  }

  private putControl(event: MirrorEvent): StoredControl {
    const control = JSON.parse(event.value as string) as StoredControl;
    this.controls.set(event.id, { control, modRevision: event.revision });
    return control;
  }

  /** Serves the instance `id` anew after its control changed. */
  private refresh(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    entry.instance = served(entry.registered, this.controls.get(id)?.control);
    this.list(entry.registered.name, id, entry.instance);
    this.stateCache = undefined;
  }

  /** Copy-on-write: `instance` replaces the one with id `replacing` in its service's list, or joins it. */
  private list(name: string, replacing: string | undefined, instance: RegistryInstance): void {
    const siblings = this.byService.get(name) ?? EMPTY;
    this.byService.set(
      name,
      replacing === undefined ? [...siblings, instance] : siblings.map((other) => (other.id === replacing ? instance : other)),
    );
  }

  private removeInstance(id: string): RegistryInstance | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    this.byId.delete(id);
    const name = entry.instance.name;
    const remaining = (this.byService.get(name) ?? EMPTY).filter((other) => other.id !== id);
    if (remaining.length === 0) this.byService.delete(name);
    else this.byService.set(name, remaining);
    return entry.instance;
  }

  private release(): void {
    for (const waiter of [...this.waiters]) if (this.seen >= waiter.revision) waiter.resolve();
  }
}

function presenceOf(instance: RegistryInstance | undefined): InstancePresence {
  if (instance === undefined) return 'absent';
  return isRoutable(instance) ? 'routable' : 'unroutable';
}
