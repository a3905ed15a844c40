import { RegistryInstance, ServiceMap } from '../registry/instance.entity';

const EMPTY: readonly RegistryInstance[] = Object.freeze([]);

interface ServiceList {
  /** By id, in registration order (a replaced instance keeps its place). */
  readonly members: Map<string, RegistryInstance>;
  /** The array handed out since the last change; rebuilt on the first read after one. */
  shown: readonly RegistryInstance[] | undefined;
}

/**
 * A store's instances by service. Writes are O(1) (a map per service); reads are copy-on-read, cached
 * until the service next changes: `list(name)` returns the same array until then, and a caller
 * holding it never sees it change. Under churn a service changed a thousand times between two reads is
 * copied once, not a thousand times, and an array's identity still tells that its service changed (what
 * the lookup answers' cache keys on). @internal
 */
export class ServiceLists {
  private readonly services = new Map<string, ServiceList>();
  private map: ServiceMap | undefined;

  /** Adds `instance` to its service, or replaces the instance of the same id in place. */
  set(instance: RegistryInstance): void {
    let service = this.services.get(instance.name);
    if (service === undefined) {
      service = { members: new Map(), shown: undefined };
      this.services.set(instance.name, service);
    }
    service.members.set(instance.id, instance);
    service.shown = undefined;
    this.map = undefined;
  }

  /** Removes `instance` (by name and id); a service left empty is dropped. */
  delete(instance: Pick<RegistryInstance, 'name' | 'id'>): void {
    const service = this.services.get(instance.name);
    if (service === undefined || !service.members.delete(instance.id)) return;
    if (service.members.size === 0) this.services.delete(instance.name);
    service.shown = undefined;
    this.map = undefined;
  }

  /** The service's instances (an empty array for an unknown name), the same array until the service changes. */
  list(name: string): readonly RegistryInstance[] {
    const service = this.services.get(name);
    if (service === undefined) return EMPTY;
    return (service.shown ??= [...service.members.values()]);
  }

  /** Whether `name` holds an instance `id`. */
  has(name: string, id: string): boolean {
    return this.services.get(name)?.members.has(id) === true;
  }

  /** Instances `name` holds. */
  size(name: string): number {
    return this.services.get(name)?.members.size ?? 0;
  }

  /** Services held. */
  get count(): number {
    return this.services.size;
  }

  /** Every service's list; the same object until any service changes. */
  all(): ServiceMap {
    if (this.map === undefined) {
      const map: ServiceMap = {};
      for (const name of this.services.keys()) map[name] = this.list(name);
      this.map = map;
    }
    return this.map;
  }

  clear(): void {
    this.services.clear();
    this.map = undefined;
  }
}
