import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { RegistrationService } from '../registration/registration.service';
import { InstanceCache } from '../resolution/instance-cache';
import { isEndpointRoutable } from '../resolution/routable';
import { CallProtocol } from './call-outcome';
import { HTTP_SERVER_DURATION, LATENCY_BUCKETS_SECONDS } from './http-server.metric';
import { CounterFamily, HistogramFamily } from './metric-cells';
import { registryWithProcessMetrics } from './process.metrics';
import { ClientFamilies, ServiceCallMetrics } from './service-call.metrics';

/**
 * This app's Prometheus metrics, in a prom-client {@link Registry} of its own (`registry`; not the
 * global default, so two apps in one process keep their numbers apart). Add your own metrics to
 * `registry` and they appear on `/metrics` too (import {@link DiscoveryMetricsModule} to serve it).
 *
 * - `discovery_client_requests_total{service,instance,outcome,protocol}`: one per attempt, so a call
 *   retried on another instance counts once per instance tried; a call that found no instance counts
 *   once with `instance=""`, `outcome="no_instance"`. Outcomes: see {@link CallOutcome}.
 * - `discovery_client_request_duration_seconds{service,outcome,protocol}`: per attempt, not per instance.
 * - `discovery_client_retries_total{service,protocol}`, `discovery_client_ejections_total{service,protocol}`.
 * - `discovery_client_retries_refused_total{service,protocol}`: retries the retry budget refused (the call
 *   failed instead); `discovery_client_hedges_total{service,protocol}`: hedged second attempts sent.
 * - `discovery_registration_registered` (1/0), `discovery_registration_last_renewal_age_seconds`
 *   (`+Inf` before the first success): this app's own registration, when it registers.
 * - `discovery_known_instances{service,protocol}`: passing instances in the local cache, under each
 *   protocol they can be called over: their primary one, and their named endpoints' while routable.
 * - `http_server_request_duration_seconds{method,route,status_code}`: this app's inbound requests
 *   (with `DiscoveryMetricsModule`), and the process metrics (`process_*`, `nodejs_*`).
 *
 * Disabled with `metrics: false` or `DISCOVERY_METRICS=false`: then nothing is measured and
 * `/metrics` answers 404.
 *
 * @example
 * ```ts
 * constructor(metrics: DiscoveryMetrics) {
 *   this.jobs = new Counter({ name: 'jobs_total', help: 'Jobs run.', registers: [metrics.registry] });
 * }
 * ```
 */
@Injectable()
export class DiscoveryMetrics implements OnModuleInit, OnModuleDestroy {
  /** False with `metrics: false` / `DISCOVERY_METRICS=false`: the call path then records nothing. */
  readonly enabled: boolean;
  /** Every metric this app serves; register your own here. */
  readonly registry: Registry;
  private readonly families: ClientFamilies | undefined;
  private readonly clients: Record<CallProtocol, Map<string, ServiceCallMetrics>> = { http: new Map(), grpc: new Map(), tcp: new Map() };
  private httpServerFamily: HistogramFamily | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(DISCOVERY_CONFIG) config: ResolvedDiscoveryOptions,
    @Optional() private readonly registration?: RegistrationService,
    @Optional() private readonly cache?: InstanceCache,
  ) {
    this.enabled = config.metrics;
    this.registry = this.enabled ? registryWithProcessMetrics() : new Registry();
    if (!this.enabled) return;
    this.families = {
      requests: new CounterFamily(
        'discovery_client_requests_total',
        'Outbound call attempts by service, instance, outcome and protocol (a retried call counts once per attempt).',
        this.registry,
      ),
      duration: new HistogramFamily(
        'discovery_client_request_duration_seconds',
        'Duration of outbound call attempts by service, outcome and protocol.',
        this.registry,
        LATENCY_BUCKETS_SECONDS,
      ),
      retries: new CounterFamily(
        'discovery_client_retries_total',
        'Attempts after the first, by service and protocol.',
        this.registry,
      ),
      ejections: new CounterFamily(
        'discovery_client_ejections_total',
        'Instances taken out of rotation by outlier ejection, by service and protocol.',
        this.registry,
      ),
      retriesRefused: new CounterFamily(
        'discovery_client_retries_refused_total',
        'Retries the retry budget refused (the call failed instead), by service and protocol.',
        this.registry,
      ),
      hedges: new CounterFamily(
        'discovery_client_hedges_total',
        'Hedged second attempts sent because the first had not answered in time, by service and protocol.',
        this.registry,
      ),
    };
    if (config.register && registration) this.registrationGauges(registration);
    if (cache) this.cacheGauge(cache);
  }

  /** Forgets the series of instances that left the registry, so a long-lived app does not pile them up. */
  onModuleInit(): void {
    if (!this.enabled || !this.cache) return;
    this.unsubscribe = this.cache.onChange(({ added, removed }) => {
      // An instance re-registered at a new address is removed and added under the same id: keep its series.
      const stillThere = new Set(added.map((instance) => instance.id));
      for (const instance of removed) {
        if (stillThere.has(instance.id)) continue;
        this.clients[instance.protocol === 'grpc' ? 'grpc' : 'http'].get(instance.name)?.forget(instance.id);
        // The fast lane is always a named endpoint of the instance: its series go with the instance.
        this.clients.tcp.get(instance.name)?.forget(instance.id);
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The metrics of calls to `service` over `protocol`; undefined when metrics are disabled. @internal */
  client(service: string, protocol: CallProtocol): ServiceCallMetrics | undefined {
    if (this.families === undefined) return undefined;
    const clients = this.clients[protocol];
    let metrics = clients.get(service);
    if (metrics === undefined) {
      metrics = new ServiceCallMetrics(service, protocol, this.families);
      clients.set(service, metrics);
    }
    return metrics;
  }

  /** The inbound request histogram, created by the first caller (DiscoveryMetricsModule). @internal */
  httpServer(): HistogramFamily {
    return (this.httpServerFamily ??= new HistogramFamily(
      HTTP_SERVER_DURATION.name,
      HTTP_SERVER_DURATION.help,
      this.registry,
      LATENCY_BUCKETS_SECONDS,
    ));
  }

  /** The whole page in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link metrics}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  private registrationGauges(registration: RegistrationService): void {
    new Gauge({
      name: 'discovery_registration_registered',
      help: 'Whether this app is registered with the registry (1) or not (0): its last renewal succeeded less than a TTL ago.',
      registers: [this.registry],
      collect() {
        this.set(registration.state().registered ? 1 : 0);
      },
    });
    new Gauge({
      name: 'discovery_registration_last_renewal_age_seconds',
      help: 'Seconds since the last successful registration or renewal (+Inf before the first).',
      registers: [this.registry],
      collect() {
        const at = registration.state().lastRenewalAt;
        this.set(at === undefined ? Infinity : (Date.now() - at.getTime()) / 1000);
      },
    });
  }

  private cacheGauge(cache: InstanceCache): void {
    new Gauge({
      name: 'discovery_known_instances',
      help: 'Passing instances in this app\'s cache of the registry, by service and by protocol they can be called over (an instance with a gRPC endpoint counts under http and grpc).',
      labelNames: ['service', 'protocol'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [service, instances] of Object.entries(cache.snapshot())) {
          const counts = new Map<string, number>();
          for (const instance of instances) {
            for (const protocol of protocolsOf(instance)) counts.set(protocol, (counts.get(protocol) ?? 0) + 1);
          }
          for (const [protocol, count] of counts) this.set({ service, protocol }, count);
        }
      },
    });
  }
}

/** The protocols an instance can be called over: its primary one and its routable named endpoints', once each. */
function protocolsOf(instance: ServiceInstance): Set<string> {
  const protocols = new Set<string>([instance.protocol]);
  for (const name in instance.endpoints) {
    if (isEndpointRoutable(instance, name)) protocols.add(instance.endpoints[name].protocol);
  }
  return protocols;
}
