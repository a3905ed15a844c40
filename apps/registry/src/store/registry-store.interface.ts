import { InstanceRegistration, RegistryInstance, RegistryState } from '../registry/instance.entity';

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

/** Called after every revision change with the new revision. */
export type ChangeListener = (revision: number) => void;

/** Which implementation holds the registry's state (`REGISTRY_STORE`). */
export type StoreKind = 'memory' | 'redis' | 'etcd';

/** Whether the store answers; what `/health` reports. */
export interface StoreStatus {
  kind: StoreKind;
  reachable: boolean;
  /** Why it is unreachable, when it is. */
  error?: string;
}

/**
 * Where the registry keeps its instances. Controllers talk only to this interface (behind the
 * `REGISTRY_STORE` token); each implementation is one file plus one line in `store.factory.ts`.
 *
 * Revision rules every store must keep: the revision only grows; it bumps on a new registration,
 * a deregistration, an eviction sweep that removed something, and a renewal that changed any
 * field other than `lastHeartbeat`. A plain renewal does not bump it. Stores shared by several
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
  /** Removes an instance; false when `name` holds no instance `id`. */
  deregister(name: string, id: string): Promise<boolean>;
  /** Live instances of `name`, optionally only those carrying `tag`; `[]` when unknown. */
  get(name: string, tag?: string): Promise<readonly RegistryInstance[]>;
  /** Every service at the current revision. */
  all(): Promise<RegistryState>;
  /** The current revision. */
  revision(): Promise<number>;
  /** Evicts instances whose TTL ran out; resolves with what was evicted. */
  expire(): Promise<readonly RegistryInstance[]>;
  /** Subscribes to revision changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Whether the store answers right now (never rejects). */
  status(): Promise<StoreStatus>;
  /** Releases connections and timers; called once at application shutdown. */
  close(): Promise<void>;
}

/** On-disk shape of a snapshot. */
export interface RegistrySnapshot {
  version: 1;
  revision: number;
  savedAt: string;
  instances: RegistryInstance[];
}

/** A store that lives in process memory and so needs snapshots to survive a restart. */
export interface SnapshottableStore {
  toSnapshot(): RegistrySnapshot;
  /** Replaces the state with `snapshot`, giving every instance a fresh full TTL from now. */
  restore(snapshot: RegistrySnapshot): void;
}

export function isSnapshottable(store: RegistryStore): store is RegistryStore & SnapshottableStore {
  const candidate = store as Partial<SnapshottableStore>;
  return typeof candidate.toSnapshot === 'function' && typeof candidate.restore === 'function';
}
