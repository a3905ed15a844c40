import { Clock, isoTime, systemClock } from '../clock';
import { InstanceNameConflictError } from '../errors/instance-name-conflict.error';
import {
  HealthUpdate,
  InstancePatch,
  InstanceRegistration,
  isRoutable,
  RegistryInstance,
  RegistryState,
} from '../registry/instance.entity';
import { randomInstanceId } from './instance.id';
import { ServiceLists } from './service-lists';
import { SNAPSHOT_VERSION } from './snapshot.migration';
import { applyHealth, controlOf, patchOverrides, sameFields, sameOverrides, toInstance, withControl } from './instance.fields';
import {
  ChangeListener,
  ExpiryPressure,
  InstanceChange,
  InstancePresence,
  SnapshotDocument,
  RegistryStore,
  SnapshottableStore,
  StoreCensus,
  StoreStatus,
  UpsertResult,
} from './registry-store.interface';

interface Entry {
  instance: RegistryInstance;
  expiresAt: number;
  /** The weight the instance registers with (`instance.weight` may be an operator's override). */
  declaredWeight: number;
}

/** A snapshot's instance may carry the weight it registers with, when an override hides it. */
type SnapshotInstance = RegistryInstance & { declaredWeight?: number };

/**
 * The default store: everything in process memory, made durable by snapshots.
 *
 * Per-service arrays are copy-on-read ({@link ServiceLists}): a write is O(1) whatever the size of its
 * service, the first read after a change copies the service's list once, and a caller holding an array
 * from `get()` never sees it change under it. Instance objects are replaced on any real change; only
 * `lastHeartbeat` is updated in place by a plain renewal, which keeps the heartbeat path free of
 * allocations beyond one timestamp string.
 */
export class MemoryRegistryStore implements RegistryStore, SnapshottableStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly byService = new ServiceLists();
  private readonly listeners = new Set<ChangeListener>();
  private currentRevision = 0;
  private stateCache: RegistryState | undefined;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly newId: (name: string) => string = randomInstanceId,
  ) {}

  async upsert(registration: InstanceRegistration): Promise<UpsertResult> {
    return this.upsertSync(registration);
  }

  /** Synchronous core of {@link upsert}. @internal */
  upsertSync(registration: InstanceRegistration): UpsertResult {
    const now = this.clock.now();
    const id = registration.id ?? this.unusedId(registration.name);
    const entry = this.entries.get(id);
    if (entry === undefined) {
      const instance = toInstance(registration, id, new Date(now).toISOString(), now);
      this.entries.set(id, { instance, expiresAt: now + registration.ttlSeconds * 1000, declaredWeight: registration.weight });
      this.byService.set(instance);
      return { instance, created: true, changed: false, revision: this.bump([changeOf(id, 'absent', instance)]) };
    }
    const current = entry.instance;
    if (current.name !== registration.name) {
      throw new InstanceNameConflictError(id, current.name, registration.name);
    }
    entry.expiresAt = now + registration.ttlSeconds * 1000;
    if (sameFields(current, registration, entry.declaredWeight)) {
      current.lastHeartbeat = isoTime(now);
      return { instance: current, created: false, changed: false, revision: this.currentRevision };
    }
    entry.declaredWeight = registration.weight;
    const updated = this.replace(entry, toInstance(registration, id, current.registeredAt, now, controlOf(current)));
    return { instance: updated, created: false, changed: true, revision: this.bump([changeOf(id, presenceOf(current), updated)]) };
  }

  async patch(name: string, id: string, patch: InstancePatch): Promise<RegistryInstance | undefined> {
    const entry = this.entryOf(name, id);
    if (entry === undefined) return undefined;
    const current = entry.instance;
    const overrides = patchOverrides(current.overrides, patch);
    if (sameOverrides(current.overrides, overrides)) return current;
    const declared = { ...current, weight: entry.declaredWeight };
    const updated = this.replace(entry, withControl(declared, { ...controlOf(current), overrides }));
    this.bump([changeOf(id, presenceOf(current), updated)]);
    return updated;
  }

  async setHealth(name: string, id: string, update: HealthUpdate): Promise<RegistryInstance | undefined> {
    const entry = this.entryOf(name, id);
    if (entry === undefined) return undefined;
    const current = entry.instance;
    const [control, changed] = applyHealth(controlOf(current), update, new Date(this.clock.now()).toISOString());
    if (!changed) {
      // The probe's output is news for the dashboard, not for clients: no revision for it.
      if (update.endpoint === undefined) current.checkOutput = update.output;
      else current.endpointHealth = withControl(current, control).endpointHealth;
      return current;
    }
    const declared = { ...current, weight: entry.declaredWeight };
    const updated = this.replace(entry, withControl(declared, control));
    this.bump([changeOf(id, presenceOf(current), updated)]);
    return updated;
  }

  async claimCheckLeadership(): Promise<boolean> {
    return true;
  }

  async expiryPressure(): Promise<ExpiryPressure> {
    const now = this.clock.now();
    let due = 0;
    for (const entry of this.entries.values()) if (entry.expiresAt <= now) due++;
    return { due, registered: this.entries.size };
  }

  async deregister(name: string, id: string): Promise<boolean> {
    const entry = this.entryOf(name, id);
    if (entry === undefined) return false;
    this.remove(entry.instance);
    this.bump([changeOf(id, presenceOf(entry.instance), undefined, name)]);
    return true;
  }

  async get(name: string, tag?: string): Promise<readonly RegistryInstance[]> {
    const instances = this.byService.list(name);
    return tag === undefined ? instances : instances.filter((instance) => instance.tags.includes(tag));
  }

  async all(): Promise<RegistryState> {
    if (this.stateCache === undefined) this.stateCache = { revision: this.currentRevision, services: this.byService.all() };
    return this.stateCache;
  }

  async census(name: string, id: string | undefined): Promise<StoreCensus> {
    const lists = this.byService;
    return { registered: id !== undefined && lists.has(name, id), instances: lists.size(name), services: lists.count };
  }

  async revision(): Promise<number> {
    return this.currentRevision;
  }

  async expire(): Promise<readonly RegistryInstance[]> {
    const now = this.clock.now();
    const evicted: RegistryInstance[] = [];
    for (const entry of this.entries.values()) {
      if (entry.expiresAt <= now) evicted.push(entry.instance);
    }
    if (evicted.length === 0) return evicted;
    for (const instance of evicted) this.remove(instance);
    this.bump(evicted.map((instance) => changeOf(instance.id, presenceOf(instance), undefined, instance.name)));
    return evicted;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async status(): Promise<StoreStatus> {
    return { kind: this.kind, reachable: true };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  toSnapshot(): SnapshotDocument {
    return {
      version: SNAPSHOT_VERSION,
      revision: this.currentRevision,
      savedAt: new Date(this.clock.now()).toISOString(),
      instances: [...this.entries.values()].map((entry) =>
        entry.instance.overrides?.weight === undefined ? entry.instance : { ...entry.instance, declaredWeight: entry.declaredWeight },
      ),
    };
  }

  restore(snapshot: SnapshotDocument): void {
    const now = this.clock.now();
    const heartbeat = new Date(now).toISOString();
    this.entries.clear();
    this.byService.clear();
    for (const saved of snapshot.instances) {
      // Health is re-learnt from fresh probes after a restart; an operator's overrides are kept.
      // One copy per instance (the rest pattern), not two: a large snapshot's restore peaks the heap.
      const { status: _status, statusSince: _since, checkOutput: _output, endpointHealth: _endpoints, declaredWeight: declared, ...rest } =
        saved as SnapshotInstance;
      const declaredWeight = declared ?? saved.weight;
      const instance = rest as RegistryInstance;
      instance.status = 'passing';
      instance.enabled = saved.overrides?.enabled ?? true;
      instance.lastHeartbeat = heartbeat;
      this.entries.set(instance.id, { instance, expiresAt: now + instance.ttlSeconds * 1000, declaredWeight });
      this.byService.set(instance);
    }
    // +1: the restored state differs from what the snapshot's revision described (fresh TTLs),
    // and clients that saw the saved revision must not mistake it for "nothing changed".
    this.currentRevision = Math.max(this.currentRevision, snapshot.revision);
    // A whole new state: no delta leads to it.
    this.bump(undefined);
  }

  private entryOf(name: string, id: string): Entry | undefined {
    const entry = this.entries.get(id);
    return entry === undefined || entry.instance.name !== name ? undefined : entry;
  }

  /** Swaps the entry's instance for `updated`, in its place in its service's list. */
  private replace(entry: Entry, updated: RegistryInstance): RegistryInstance {
    entry.instance = updated;
    this.byService.set(updated);
    return updated;
  }

  private remove(instance: RegistryInstance): void {
    this.entries.delete(instance.id);
    this.byService.delete(instance);
  }

  /** Moves to the next revision and tells the listeners what made it (`undefined`: a whole new state). */
  private bump(changes: readonly InstanceChange[] | undefined): number {
    this.currentRevision += 1;
    this.stateCache = undefined;
    for (const listener of this.listeners) listener(this.currentRevision, changes);
    return this.currentRevision;
  }

  private unusedId(name: string): string {
    let id = this.newId(name);
    while (this.entries.has(id)) id = this.newId(name);
    return id;
  }
}

function presenceOf(instance: RegistryInstance): InstancePresence {
  return isRoutable(instance) ? 'routable' : 'unroutable';
}

function changeOf(id: string, before: InstancePresence, after: RegistryInstance | undefined, service = after?.name ?? ''): InstanceChange {
  return { service, id, before, after };
}
