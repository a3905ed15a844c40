import { Inject, Injectable, Logger } from '@nestjs/common';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
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

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly registry: RegistryHttpClient,
  ) {}

  /** Registry revision of the last full snapshot applied; undefined before the first. */
  get revision(): number | undefined {
    return this.currentRevision;
  }

  /** {@inheritDoc InstanceSource.instances} */
  instances(service: string): Promise<readonly ServiceInstance[]> {
    const cached = this.cached(service);
    return cached !== undefined ? Promise.resolve(cached) : this.lookup(service);
  }

  /** {@inheritDoc InstanceSource.cached} */
  cached(service: string): readonly ServiceInstance[] | undefined {
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
    if (revision === this.currentRevision) this.snapshotAt = Date.now();
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
    const promise = this.registry
      .service(service)
      .then((list) => {
        this.failedAt.delete(service);
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
