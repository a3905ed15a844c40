import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Counter, Gauge, Registry } from 'prom-client';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryInstance } from '../registry/instance.entity';
import { RegistryStore } from '../store/registry-store.interface';
import { SubscriptionHub } from '../watch/subscription.hub';
import { WatchHub } from '../watch/watch.hub';
import { CounterCell, CounterFamily, registryWithProcessMetrics } from '@nest-discovery/discovery/metrics';

/** A counter per service: an increment is a field write on the service's cell (the library's counter cells). */
class ServiceCounter {
  private readonly cells = new Map<string, CounterCell>();
  private readonly family: CounterFamily;

  constructor(name: string, help: string, registry: Registry) {
    this.family = new CounterFamily(name, help, registry);
  }

  inc(service: string): void {
    let cell = this.cells.get(service);
    if (cell === undefined) {
      cell = this.family.cell(service, { service });
      this.cells.set(service, cell);
    }
    cell.value++;
  }
}

/**
 * The registry's Prometheus metrics, in a registry of its own (not prom-client's global one, so two
 * registries in one process keep their numbers apart). Events are counted where they happen (the
 * controller and the expiry sweeper call the methods below); the instance and watcher gauges are
 * read from the store and the watch hub at scrape time, so they can never drift from the truth.
 *
 * @example
 * metrics.upserted(instance, created); // in the register handler
 * await metrics.registry.metrics();    // the /metrics page
 */
@Injectable()
export class RegistryMetrics implements OnModuleInit {
  readonly registry: Registry = registryWithProcessMetrics();
  private readonly registrations = this.counter('registry_registrations_total', 'New registrations (201), by service.');
  private readonly renewals = this.counter('registry_renewals_total', 'Renewals of a registered instance (200), by service.');
  private readonly deregistrations = this.counter('registry_deregistrations_total', 'Deregistrations (204), by service.');
  private readonly expiries = this.counter('registry_expiries_total', 'Instances evicted because their TTL ran out, by service.');
  private readonly openSessions = new Gauge({
    name: 'registry_sessions_open',
    help: "Instances' sessions (GET /session) held open by this replica.",
    registers: [this.registry],
  });
  private readonly lostSessions = new Counter({
    name: 'registry_sessions_lost_total',
    help: "Instance sessions whose connection closed without a deregistration, by what the registry's probe found (critical: it did not answer).",
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor(private readonly moduleRef: ModuleRef) {}

  /**
   * The gauges read the store and the watch hub, which belong to RegistryModule: looked up here, once
   * every provider exists, rather than imported (RegistryModule imports this module, not the reverse).
   */
  onModuleInit(): void {
    const store = this.moduleRef.get<RegistryStore>(REGISTRY_STORE, { strict: false });
    const hub = this.moduleRef.get(WatchHub, { strict: false });
    const subscriptions = this.moduleRef.get(SubscriptionHub, { strict: false });
    new Gauge({
      name: 'registry_store_up',
      help: 'Whether the store answers (1) or not (0), asked at scrape time.',
      registers: [this.registry],
      async collect() {
        this.set((await store.status()).reachable ? 1 : 0);
      },
    });
    new Gauge({
      name: 'registry_instances',
      help: 'Registered instances by service, health status and enabled (false: drained), read from the store at scrape time.',
      labelNames: ['service', 'status', 'enabled'],
      registers: [this.registry],
      async collect() {
        this.reset();
        // A store that cannot be reached (registry_store_up 0) is when the page matters most: answer without this gauge.
        const state = await store.all().catch(() => undefined);
        for (const [service, instances] of Object.entries(state?.services ?? {})) countInstances(this, service, instances);
      },
    });
    new Gauge({
      name: 'registry_watches_open',
      help: 'Long polls (GET /watch) parked, waiting for a change.',
      registers: [this.registry],
      collect() {
        this.set(hub.size);
      },
    });
    new Gauge({
      name: 'registry_subscription_watches_open',
      help: 'Subscription long polls (GET /watch/services) parked, waiting for a change of their services.',
      registers: [this.registry],
      collect() {
        this.set(subscriptions.size);
      },
    });
  }

  /** A register call succeeded: a registration when `created`, else a renewal. */
  upserted(instance: Pick<RegistryInstance, 'name'>, created: boolean): void {
    (created ? this.registrations : this.renewals).inc(instance.name);
  }

  deregistered(service: string): void {
    this.deregistrations.inc(service);
  }

  /** A session opened (+1) or closed (-1) on this replica. */
  sessionsOpen(delta: 1 | -1): void {
    this.openSessions.inc(delta);
  }

  /** A session closed without a deregistration; `outcome` is what the probe that followed found. */
  sessionLost(outcome: string): void {
    this.lostSessions.inc({ outcome });
  }

  expired(instances: readonly Pick<RegistryInstance, 'name'>[]): void {
    for (const instance of instances) this.expiries.inc(instance.name);
  }

  private counter(name: string, help: string): ServiceCounter {
    return new ServiceCounter(name, help, this.registry);
  }
}

function countInstances(
  gauge: Gauge<'service' | 'status' | 'enabled'>,
  service: string,
  instances: readonly RegistryInstance[],
): void {
  const counts = new Map<string, { status: string; enabled: string; count: number }>();
  for (const instance of instances) {
    const enabled = String(instance.enabled !== false);
    const key = `${instance.status}/${enabled}`;
    const entry = counts.get(key) ?? { status: instance.status, enabled, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  for (const { status, enabled, count } of counts.values()) gauge.set({ service, status, enabled }, count);
}
