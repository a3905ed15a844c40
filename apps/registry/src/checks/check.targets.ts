import { EndpointHealth, HealthCheck, InstanceEndpoint, InstanceStatus, RegistryInstance, RegistryState } from '../registry/instance.entity';
import { CheckCounters, freshCounters } from './check.counters';
import { firstDueAt, phaseOffsetMs } from './check.timing';
import { DueQueue } from './due.queue';
import { ProbeTarget } from './health-prober.interface';

/** What the store holds about an instance's health, as last read or written. */
export interface StoredHealth {
  status: InstanceStatus;
  output?: string;
  /** When the status last changed (ms), as the store says; set while critical. */
  since?: number;
}

/** One check the checker runs: an instance's primary check, or one of its named endpoints'. @internal */
export interface TrackedCheck {
  /** `id` for the primary check, `id#endpoint` for an endpoint's. */
  readonly key: string;
  readonly id: string;
  readonly name: string;
  /** The named endpoint probed; undefined for the instance's primary check. */
  readonly endpoint?: string;
  readonly target: ProbeTarget;
  readonly check: HealthCheck;
  /** Address and check spec: when either changes the instance is tracked afresh. */
  readonly spec: string;
  /** The instance as last read from the store. */
  source: RegistryInstance;
  counters: CheckCounters;
  stored: StoredHealth;
  dueAt: number;
  running: boolean;
  /** Left the registry, or replaced by a newer spec: its pending probe is dropped, its result ignored. */
  removed: boolean;
  deregistering: boolean;
}

/**
 * The instances that carry a check, kept in step with the store's state, and when each is probed next.
 * @internal
 */
export class CheckTargets {
  private readonly entries = new Map<string, TrackedCheck>();
  private readonly critical = new Set<TrackedCheck>();
  private readonly queue = new DueQueue<TrackedCheck>();

  get size(): number {
    return this.entries.size;
  }

  /** Instances the store holds critical. */
  criticals(): ReadonlySet<TrackedCheck> {
    return this.critical;
  }

  /**
   * Follows `state`: new instances (and those whose address or check changed) start with fresh counters
   * and their first probe at their phase; gone ones are dropped; a status changed behind the checker's
   * back (another replica led, a restart restored the instance passing) is taken over, counters reset.
   */
  sync(state: RegistryState, now: number): void {
    const seen = new Set<string>();
    for (const name in state.services) {
      for (const instance of state.services[name]) {
        if (instance.check !== undefined) this.follow(instance, undefined, instance.check, seen, now);
        const endpoints = instance.endpoints;
        if (endpoints === undefined) continue;
        for (const endpoint in endpoints) {
          const check = endpoints[endpoint].check;
          if (check !== undefined) this.follow(instance, endpoint, check, seen, now);
        }
      }
    }
    for (const entry of this.entries.values()) if (!seen.has(entry.key)) this.drop(entry);
  }

  private follow(instance: RegistryInstance, endpoint: string | undefined, check: HealthCheck, seen: Set<string>, now: number): void {
    const key = endpoint === undefined ? instance.id : `${instance.id}#${endpoint}`;
    seen.add(key);
    const current = this.entries.get(key);
    // The memory store hands out the same object until the instance changes: no spec to rebuild then.
    const spec = current?.source === instance ? current.spec : specOf(instance, endpoint, check);
    if (current?.spec === spec) {
      current.source = instance;
      if (!current.running) this.adopt(current, instance, now);
      return;
    }
    if (current !== undefined) this.drop(current);
    this.track(instance, endpoint, key, check, spec, now);
  }

  /** The next probe due by `now`, taken off the queue; undefined when none is. */
  popDue(now: number): TrackedCheck | undefined {
    for (let entry = this.queue.popDue(now); entry !== undefined; entry = this.queue.popDue(now)) {
      if (!entry.removed && !entry.running) return entry;
    }
    return undefined;
  }

  /** Puts `entry` back in the queue for its next probe at `dueAt`. */
  schedule(entry: TrackedCheck, dueAt: number): void {
    entry.dueAt = dueAt;
    if (!entry.removed) this.queue.push(entry, dueAt);
  }

  /** Records what the store now holds for `entry`. */
  setStored(entry: TrackedCheck, stored: StoredHealth): void {
    entry.stored = stored;
    if (stored.status === 'critical' && !entry.removed) this.critical.add(entry);
    else this.critical.delete(entry);
  }

  /** Stops following `entry` (deregistered, or gone from the store). */
  drop(entry: TrackedCheck): void {
    entry.removed = true;
    this.critical.delete(entry);
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.removed = true;
    this.entries.clear();
    this.critical.clear();
    this.queue.clear();
  }

  private track(
    instance: RegistryInstance,
    endpoint: string | undefined,
    key: string,
    check: HealthCheck,
    spec: string,
    now: number,
  ): void {
    const intervalMs = check.intervalSeconds * 1000;
    const address = addressOf(instance, endpoint);
    const entry: TrackedCheck = {
      key,
      id: instance.id,
      name: instance.name,
      ...(endpoint === undefined ? {} : { endpoint }),
      target: { host: instance.host, port: address.port, protocol: address.protocol },
      check,
      spec,
      source: instance,
      counters: freshCounters(instance.status),
      stored: { status: 'passing' },
      dueAt: firstDueAt(now, intervalMs, phaseOffsetMs(key, intervalMs)),
      running: false,
      removed: false,
      deregistering: false,
    };
    this.entries.set(key, entry);
    this.setStored(entry, storedHealthOf(instance, now, endpoint));
    this.queue.push(entry, entry.dueAt);
  }

  private adopt(entry: TrackedCheck, instance: RegistryInstance, now: number): void {
    const health = healthOf(instance, entry.endpoint);
    if (health.status !== entry.stored.status) entry.counters = freshCounters(health.status);
    if (health.status !== entry.stored.status || health.checkOutput !== entry.stored.output) {
      this.setStored(entry, storedHealthOf(instance, entry.stored.since ?? now, entry.endpoint));
    }
  }
}

/** The health the store holds for `instance` (or its `endpoint`); `fallbackSince` when it does not say since when. */
export function storedHealthOf(instance: RegistryInstance, fallbackSince: number, endpoint?: string): StoredHealth {
  const { status, statusSince, checkOutput } = healthOf(instance, endpoint);
  const since = statusSince === undefined ? Number.NaN : Date.parse(statusSince);
  return {
    status,
    ...(checkOutput === undefined ? {} : { output: checkOutput }),
    ...(status === 'critical' ? { since: Number.isFinite(since) ? since : fallbackSince } : {}),
  };
}

/** The primary check's health, or a named endpoint's (passing while the store holds none for it). */
function healthOf(instance: RegistryInstance, endpoint: string | undefined): EndpointHealth {
  if (endpoint === undefined) return instance;
  return instance.endpointHealth?.[endpoint] ?? { status: 'passing' };
}

/** Where a check probes: the instance's primary address, or its named endpoint's port and protocol. */
function addressOf(instance: RegistryInstance, endpoint: string | undefined): Pick<InstanceEndpoint, 'port' | 'protocol'> {
  return endpoint === undefined ? instance : (instance.endpoints?.[endpoint] as InstanceEndpoint);
}

/** Everything that makes a check a different one: the instance's registration and address, and every field of the check. */
function specOf(instance: RegistryInstance, endpoint: string | undefined, check: HealthCheck): string {
  const address = addressOf(instance, endpoint);
  return [
    instance.name,
    instance.registeredAt,
    endpoint ?? '',
    address.protocol,
    instance.host,
    address.port,
    check.type,
    check.path ?? '',
    check.service ?? '',
    check.intervalSeconds,
    check.timeoutSeconds,
    check.failuresBeforeCritical,
    check.successesBeforePassing,
    check.deregisterCriticalAfterSeconds,
  ].join('\n');
}
