import {
  HealthUpdate,
  InstancePatch,
  InstanceRegistration,
  RegistryInstance,
  RegistryState,
} from '../registry/instance.entity';

/** Outcome of a register/renew call. */
export interface UpsertResult {
  /** The instance as stored (JSON-ready; do not mutate). */
  instance: RegistryInstance;
  /** True when the id was not registered before (the API answers 201). */
  created: boolean;
  /** True when a renewal changed a field other than `lastHeartbeat` (the revision bumped). */
  changed: boolean;
  /** Revision after the call. */
  revision: number;
}

/** What self-preservation weighs before a sweep: instances past their TTL now, and instances registered. */
export interface ExpiryPressure {
  due: number;
  registered: number;
  /**
   * The instant (epoch ms, the store's clock) `due` was counted at, on stores shared by replicas: passed
   * back to {@link RegistryStore.expire}, it keeps the sweep to what was weighed — not what fell due in the
   * round trips since, nor while another replica decided at the same moment.
   */
  at?: number;
}

/**
 * Renewals and evictions per second as the store counted them across every registry replica sharing it,
 * on the store's clock: what self-preservation compares when one replica alone hears only part of the fleet.
 */
export interface ExpiryHistory {
  /** Epoch ms on the store's clock when the counts were read; the last entry of each list is its second, still running. */
  now: number;
  /** Renewals (`POST /register` of a registered instance) per second, oldest first. */
  renewals: number[];
  /** Instances evicted by expiry sweeps per second, oldest first, the same seconds as `renewals`. */
  evictions: number[];
}

/** Where an instance stood in the listings before a change: not registered, routable, or registered but not routable. */
export type InstancePresence = 'absent' | 'routable' | 'unroutable';

/** One instance's part in a revision: where it stood before, and what it is after (undefined: gone). */
export interface InstanceChange {
  readonly service: string;
  readonly id: string;
  readonly before: InstancePresence;
  readonly after: RegistryInstance | undefined;
}

/**
 * Called after every revision change with the new revision and, when the store can tell, the instance
 * changes that made it (what the watch's change log records for deltas). Without `changes` the registry
 * cannot give deltas across this revision: its subscribers get full answers of their services.
 */
export type ChangeListener = (revision: number, changes?: readonly InstanceChange[]) => void;

/** Which implementation holds the registry's state (`REGISTRY_STORE`). */
export type StoreKind = 'memory' | 'redis' | 'etcd';

/** Whether the store answers; what `/health` reports. */
export interface StoreStatus {
  kind: StoreKind;
  reachable: boolean;
  /** Why it is unreachable, when it is. */
  error?: string;
}

/** What {@link RegistryStore.census} counts. */
export interface StoreCensus {
  /** Whether the service holds the instance asked about. */
  registered: boolean;
  /** Instances the service holds. */
  instances: number;
  /** Services the store holds. */
  services: number;
}

/**
 * Where the registry keeps its instances. Controllers talk only to this interface (behind the
 * `REGISTRY_STORE` token); each implementation is one file plus one line in `store.factory.ts`.
 *
 * Revision rules every store must keep: the revision only grows; it bumps on a new registration,
 * a deregistration, an eviction sweep that removed something, a renewal that changed any field
 * other than `lastHeartbeat`, an operator's patch that changed something, and a health update that
 * changed the status. A plain renewal does not bump it.
 *
 * Reads return every instance, critical and drained ones too; filtering them out of lookups is the
 * API's job (`isRoutable`). A renewal keeps what the registry decided about the instance — its status
 * and an operator's overrides — and never resets them. Stores shared by several
 * registry replicas (Redis, etcd) report the same revision on every replica and call `onChange`
 * listeners on every replica, whichever replica made the change.
 *
 * A remote store that cannot be reached rejects with `StoreUnavailableError` (503, retryable).
 */
export interface RegistryStore {
  readonly kind: StoreKind;
  /**
   * Registers `registration` or renews the instance with its id, pushing its expiry to now + TTL.
   * @throws InstanceNameConflictError when the id is registered under another name (nothing changes).
   */
  upsert(registration: InstanceRegistration): Promise<UpsertResult>;
  /**
   * Applies an operator's overrides (`enabled`, `weight`) to a registered instance; they survive its
   * renewals. Resolves with the instance as stored now, or undefined when `name` holds no `id`.
   */
  patch(name: string, id: string, patch: InstancePatch): Promise<RegistryInstance | undefined>;
  /**
   * Records what the health checker concluded. Bumps the revision only when the status changed.
   * Resolves with the instance as stored now, or undefined when it is gone.
   */
  setHealth(name: string, id: string, update: HealthUpdate): Promise<RegistryInstance | undefined>;
  /**
   * For self-preservation: how many instances are due for eviction now. Absent on stores whose expiry
   * the registry cannot hold back (etcd expires leases itself).
   */
  expiryPressure?(): Promise<ExpiryPressure>;
  /**
   * For self-preservation on a store shared by several replicas: renewals and evictions per second over
   * the last `seconds` (the running one included), counted across every replica. Clients renew mostly
   * with one replica (their first registry URL), so a replica's own count says little about the fleet;
   * with this, every replica decides from the same numbers. Absent on stores of one registry (memory:
   * the replica's own count is the whole count) and on those without {@link expiryPressure}.
   *
   * @example
   * const { renewals } = await store.expiryHistory(121);
   * const lastMinute = renewals.slice(-61, -1).reduce((sum, count) => sum + count, 0);
   */
  expiryHistory?(seconds: number): Promise<ExpiryHistory>;
  /**
   * Leadership of the health checks among replicas sharing the store: true when `owner` holds (or just
   * took, or renewed) the lease for the next `ttlMs`. Only the holder probes, so N replicas do not probe
   * every instance N times; when it dies, another takes over within `ttlMs`. A store of one registry
   * (memory) always answers true.
   */
  claimCheckLeadership(owner: string, ttlMs: number): Promise<boolean>;
  /** Removes an instance; false when `name` holds no instance `id`. */
  deregister(name: string, id: string): Promise<boolean>;
  /** Registered instances of `name` (critical and drained too), optionally only those carrying `tag`; `[]` when unknown. */
  get(name: string, tag?: string): Promise<readonly RegistryInstance[]>;
  /** Every service at the current revision. */
  all(): Promise<RegistryState>;
  /**
   * Whether `name` holds an instance `id`, and how many instances it and services the store hold: what
   * admitting a registration asks, without reading or copying any instance (O(1); one round trip at most).
   */
  census(name: string, id: string | undefined): Promise<StoreCensus>;
  /** The current revision. */
  revision(): Promise<number>;
  /**
   * Evicts instances whose TTL ran out — by `dueBy` when given (an {@link ExpiryPressure.at}; stores
   * whose pressure reports none need not take it); resolves with what was evicted.
   */
  expire(dueBy?: number): Promise<readonly RegistryInstance[]>;
  /** Subscribes to revision changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Whether the store answers right now (never rejects). */
  status(): Promise<StoreStatus>;
  /** Releases connections and timers; called once at application shutdown. */
  close(): Promise<void>;
}

/** On-disk shape of a snapshot (version 2: instances with named endpoints; version 1 is migrated on read). */
export interface SnapshotDocument {
  version: 2;
  revision: number;
  savedAt: string;
  instances: RegistryInstance[];
}

/** A store that lives in process memory and so needs snapshots to survive a restart. */
export interface SnapshottableStore {
  toSnapshot(): SnapshotDocument;
  /** Replaces the state with `snapshot`, giving every instance a fresh full TTL from now. */
  restore(snapshot: SnapshotDocument): void;
}

export function isSnapshottable(store: RegistryStore): store is RegistryStore & SnapshottableStore {
  const candidate = store as Partial<SnapshottableStore>;
  return typeof candidate.toSnapshot === 'function' && typeof candidate.restore === 'function';
}
