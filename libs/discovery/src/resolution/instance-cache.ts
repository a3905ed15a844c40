import { Inject, Injectable, Logger } from '@nestjs/common';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { ServiceWatchAnswer } from '@nest-discovery/registry-api';
import { ServiceInstance, ServiceMap } from '../interfaces/service-instance.interface';
import { RegistryHttpClient } from '../registration/registry-http.client';
import { InstanceSource } from './instance-source.interface';
import { isRoutable } from './routable';

/** What changed in the cache: instances that appeared and ones that left (or stopped being routable). */
export interface InstanceCacheChange {
  readonly added: readonly ServiceInstance[];
  readonly removed: readonly ServiceInstance[];
}

/** Called after each change of the cached instances. */
export type InstanceCacheListener = (change: InstanceCacheChange) => void;

/** A failed first lookup of a service is not repeated sooner than this, so a down registry is not hammered. */
const FAILED_LOOKUP_HOLD_MS = 1000;
const EMPTY: readonly ServiceInstance[] = Object.freeze([]);

/**
 * Same id but a new address (its own, or a named endpoint's port) is a different endpoint for whoever
 * pooled connections to it.
 */
const endpointKey = (i: ServiceInstance): string => {
  const key = `${i.id}\u0000${i.protocol}://${i.host}:${i.port}`;
  if (i.endpoints === undefined) return key;
  const ports = Object.entries(i.endpoints).map(([name, e]) => `${name}=${e.protocol}:${e.port}`);
  return `${key}\u0000${ports.sort().join(',')}`;
};
const routableOnly = (list: readonly ServiceInstance[]): readonly ServiceInstance[] => Object.freeze(list.filter(isRoutable));

/**
 * The registry-backed {@link InstanceSource}: answers from memory, kept fresh by the registry watch
 * long poll and by heartbeat answers, and keeps serving the last known instances while the
 * registry is unreachable. Only routable instances are served: `passing` and not drained.
 *
 * @example
 * const off = cache.onChange(({ removed }) => removed.forEach((i) => pools.close(i.id)));
 */
@Injectable()
export class InstanceCache implements InstanceSource {
  private readonly logger = new Logger('Discovery');
  private readonly byService = new Map<string, readonly ServiceInstance[]>();
  private readonly fetchedAt = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<readonly ServiceInstance[]>>();
  private readonly failedAt = new Map<string, number>();
  private readonly listeners = new Set<InstanceCacheListener>();
  private currentRevision: number | undefined;
  /** Set once a full snapshot was applied: from then on, a service absent from it has no instances. */
  private snapshotAt: number | undefined;
  private live = false;
  /** The services the app calls (declared up front or first asked for at run time), in order. */
  private readonly subscribed = new Set<string>();
  private readonly subscribeListeners = new Set<(service: string) => void>();
  /** The epoch of the last subscription answer (see `GET /watch/services`). */
  private watchEpoch: string | undefined;
  /** Per service, how many watch answers listed it: a lookup that started before one must not undo it. */
  private readonly watchedCount = new Map<string, number>();

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly registry: RegistryHttpClient,
  ) {}

  /** Registry revision of the last full snapshot applied; undefined before the first. */
  get revision(): number | undefined {
    return this.currentRevision;
  }

  /** The epoch of the last subscription watch answer; undefined before the first. @internal */
  get epoch(): string | undefined {
    return this.watchEpoch;
  }

  /** The services the app calls, as the subscription watch follows them. */
  get subscriptions(): readonly string[] {
    return [...this.subscribed];
  }

  /**
   * Declares that the app calls `service`, so the registry watch follows it (declarative and gRPC clients
   * and the gateway's routes do it at start; any service first asked for at run time is added on its
   * first lookup).
   *
   * @example
   * cache.subscribe('orders');
   */
  subscribe(service: string): void {
    if (this.subscribed.has(service)) return;
    this.subscribed.add(service);
    for (const listener of this.subscribeListeners) listener(service);
  }

  /** Called with each service newly subscribed to; returns the function that unsubscribes. @internal */
  onSubscribe(listener: (service: string) => void): () => void {
    this.subscribeListeners.add(listener);
    return () => this.subscribeListeners.delete(listener);
  }

  /**
   * Applies a subscription watch answer: `full` replaces the services it lists, a delta upserts `added`
   * and `updated` by id and drops `removed`. @internal
   */
  applyWatch(answer: ServiceWatchAnswer): void {
    const before = this.listeners.size === 0 ? undefined : this.allInstances();
    const now = Date.now();
    if (answer.full) {
      for (const [name, list] of Object.entries(answer.services)) this.watched(name, routableOnly(list), now);
    } else {
      for (const [name, delta] of Object.entries(answer.changes)) {
        const byId = new Map((this.byService.get(name) ?? EMPTY).map((instance) => [instance.id, instance]));
        for (const id of delta.removed) byId.delete(id);
        for (const instance of delta.added) byId.set(instance.id, instance);
        for (const instance of delta.updated) byId.set(instance.id, instance);
        this.watched(name, routableOnly([...byId.values()]), now);
      }
    }
    this.currentRevision = answer.revision;
    this.watchEpoch = answer.epoch;
    // It holds the subscribed services only: any other is looked up, never taken for empty.
    this.snapshotAt = undefined;
    if (before !== undefined) this.emitDiff(before);
  }

  /** {@inheritDoc InstanceSource.instances} */
  instances(service: string): Promise<readonly ServiceInstance[]> {
    if (!this.subscribed.has(service)) this.subscribe(service);
    const cached = this.cached(service);
    return cached !== undefined ? Promise.resolve(cached) : this.lookup(service);
  }

  /** {@inheritDoc InstanceSource.cached} */
  cached(service: string): readonly ServiceInstance[] | undefined {
    if (!this.subscribed.has(service)) this.subscribe(service);
    const cached = this.byService.get(service);
    if (cached === undefined && (this.snapshotAt === undefined || !this.live)) return undefined;
    if (!this.live && this.isStale(service)) void this.lookup(service);
    return cached ?? EMPTY;
  }

  /** Every service's routable instances, as currently cached (a copy). */
  snapshot(): ServiceMap {
    const copy: ServiceMap = {};
    for (const [name, list] of this.byService) copy[name] = [...list];
    return copy;
  }

  /** Subscribes to changes; returns the function that unsubscribes. */
  onChange(listener: InstanceCacheListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces everything with a full registry snapshot (a no-op if that revision is already held). @internal */
  applySnapshot(revision: number, services: ServiceMap): void {
    this.snapshotAt = Date.now();
    if (revision === this.currentRevision) return;
    const before = this.allInstances();
    this.byService.clear();
    this.fetchedAt.clear();
    for (const [name, list] of Object.entries(services)) this.byService.set(name, routableOnly(list));
    this.currentRevision = revision;
    this.emitDiff(before);
  }

  /** The registry confirmed `revision` is still current (a heartbeat answer without services). @internal */
  confirm(revision: number): void {
    // Only a full snapshot's revision: a subscription's holds some services, and must not make the others look empty.
    if (revision === this.currentRevision && this.snapshotAt !== undefined) this.snapshotAt = Date.now();
  }

  /** Whether the watch long poll is currently keeping the cache up to date. @internal */
  setLive(live: boolean): void {
    this.live = live;
  }

  private lookup(service: string): Promise<readonly ServiceInstance[]> {
    const pending = this.lookups.get(service);
    if (pending) return pending;
    const failedAt = this.failedAt.get(service);
    if (failedAt !== undefined && Date.now() - failedAt < FAILED_LOOKUP_HOLD_MS) {
      return Promise.resolve(this.byService.get(service) ?? EMPTY);
    }
    const watchedBefore = this.watchedCount.get(service);
    const promise = this.registry
      .service(service)
      .then((list) => {
        this.failedAt.delete(service);
        // The watch answered for the service meanwhile: it is newer than this lookup.
        if (this.watchedCount.get(service) !== watchedBefore) return this.byService.get(service) ?? EMPTY;
        return this.applyService(service, list);
      })
      .catch((error: unknown) => {
        this.failedAt.set(service, Date.now());
        this.logger.debug(`Lookup of ${service} failed: ${error instanceof Error ? error.message : String(error)}`);
        return this.byService.get(service) ?? EMPTY;
      })
      .finally(() => this.lookups.delete(service));
    this.lookups.set(service, promise);
    return promise;
  }

  private applyService(service: string, list: readonly ServiceInstance[]): readonly ServiceInstance[] {
    const before = this.allInstances();
    const routable = routableOnly(list);
    this.byService.set(service, routable);
    this.fetchedAt.set(service, Date.now());
    this.emitDiff(before);
    return routable;
  }

  private watched(service: string, routable: readonly ServiceInstance[], now: number): void {
    this.byService.set(service, routable);
    this.fetchedAt.set(service, now);
    this.watchedCount.set(service, (this.watchedCount.get(service) ?? 0) + 1);
  }

  /** Without a live watch, entries older than a heartbeat interval are refreshed in the background. */
  private isStale(service: string): boolean {
    const freshAt = Math.max(this.snapshotAt ?? 0, this.fetchedAt.get(service) ?? 0);
    return Date.now() - freshAt > this.config.heartbeatIntervalMs;
  }

  private allInstances(): Map<string, ServiceInstance> {
    const all = new Map<string, ServiceInstance>();
    for (const list of this.byService.values()) for (const i of list) all.set(endpointKey(i), i);
    return all;
  }

  private emitDiff(before: Map<string, ServiceInstance>): void {
    if (this.listeners.size === 0) return;
    const after = this.allInstances();
    const added = [...after].filter(([key]) => !before.has(key)).map(([, i]) => i);
    const removed = [...before].filter(([key]) => !after.has(key)).map(([, i]) => i);
    if (added.length === 0 && removed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener({ added, removed });
      } catch (error) {
        this.logger.error(`InstanceCache change listener threw: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
