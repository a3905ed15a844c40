import { RegistryInstance, RegistryState, ServiceMap } from '../registry/instance.entity';

/** One instance as the mirror holds it. @internal */
export interface MirrorEntry {
  instance: RegistryInstance;
  /** The etcd lease the key is attached to (decimal string). */
  lease: string;
  modRevision: number;
}

/** A key's change, as the watch (or the initial range) reports it. @internal */
export interface MirrorEvent {
  type: 'put' | 'delete';
  name: string;
  id: string;
  revision: number;
  /** The instance JSON and its lease, for puts. */
  value?: string;
  lease?: string;
}

const EMPTY: readonly RegistryInstance[] = Object.freeze([]);

/**
 * A replica's in-memory copy of the instances under the etcd prefix, fed by the initial range and then
 * by the watch, so reads cost no round trip. Its revision is the etcd revision of the last change it
 * applied: every replica that applied the same events reports the same number. Writes wait with
 * {@link waitFor} until the watch has brought the mirror to their own revision, so a replica always
 * reads its own writes. Lists are copy-on-write, like the memory store's. @internal
 */
export class EtcdMirror {
  private readonly byId = new Map<string, MirrorEntry>();
  private readonly byService = new Map<string, readonly RegistryInstance[]>();
  private readonly waiters = new Set<{ revision: number; resolve(): void }>();
  private current = 0;
  private stateCache: RegistryState | undefined;

  get revision(): number {
    return this.current;
  }

  /** Replaces everything with a full read (events in creation order) at `revision`. */
  reset(events: readonly MirrorEvent[], revision: number): void {
    this.byId.clear();
    this.byService.clear();
    for (const event of events) this.put(event);
    this.current = Math.max(this.current, revision);
    this.stateCache = undefined;
    this.release();
  }

  /** Applies one watch batch; answers the removed instances (with their last known fields). */
  apply(events: readonly MirrorEvent[]): RegistryInstance[] {
    const removed: RegistryInstance[] = [];
    for (const event of events) {
      if (event.type === 'put') this.put(event);
      else {
        const gone = this.remove(event.id);
        if (gone) removed.push(gone);
      }
      this.current = Math.max(this.current, event.revision);
    }
    if (events.length > 0) this.stateCache = undefined;
    this.release();
    return removed;
  }

  entry(id: string): MirrorEntry | undefined {
    return this.byId.get(id);
  }

  /** A renewal this replica handled: only `lastHeartbeat` changes, in place (the revision stays). */
  heartbeat(id: string, at: string): void {
    const entry = this.byId.get(id);
    if (entry) entry.instance.lastHeartbeat = at;
  }

  get(name: string): readonly RegistryInstance[] {
    return this.byService.get(name) ?? EMPTY;
  }

  all(): RegistryState {
    if (this.stateCache === undefined) {
      const services: ServiceMap = {};
      for (const [name, instances] of this.byService) services[name] = instances;
      this.stateCache = { revision: this.current, services };
    }
    return this.stateCache;
  }

  /** Resolves once the mirror has applied `revision` (or after `timeoutMs`: false). */
  waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.current >= revision) return Promise.resolve(true);
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

  private put(event: MirrorEvent): void {
    const instance = JSON.parse(event.value as string) as RegistryInstance;
    const entry: MirrorEntry = { instance, lease: event.lease ?? '0', modRevision: event.revision };
    const previous = this.byId.get(event.id);
    this.byId.set(event.id, entry);
    const siblings = this.byService.get(event.name) ?? EMPTY;
    this.byService.set(
      event.name,
      previous ? siblings.map((other) => (other.id === event.id ? instance : other)) : [...siblings, instance],
    );
  }

  private remove(id: string): RegistryInstance | undefined {
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
    for (const waiter of [...this.waiters]) if (this.current >= waiter.revision) waiter.resolve();
  }
}
