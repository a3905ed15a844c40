import { Inject, Injectable, Logger } from '@nestjs/common';
import { RegistryConfig } from '../config';
import { HEALTH_PROBERS } from '../checks/checks.constants';
import { HealthProber, ProbeResult } from '../checks/health-prober.interface';
import { settleProbe } from '../checks/probe-failure';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { CheckType, HealthCheck, RegistryInstance } from '../registry/instance.entity';
import { RegistryMetrics } from '../metrics/registry.metrics';
import { RegistryStore } from '../store/registry-store.interface';

/** What a lost session turned out to be, for the log, the metrics and the tests. */
export type SessionLossOutcome = 'gone' | 'alive' | 'critical' | 'already-critical';

/**
 * What the registry does when an instance's session connection closes without a deregistration: it
 * probes the instance at once, with a short timeout, at its primary address (its own check when it has
 * one, else a TCP connect). A refused or failed probe makes the instance critical at once — unroutable,
 * and every watcher hears it — and the usual rules take it from there (the checker brings it back after
 * its successes, or deregisters it after `deregisterCriticalAfterSeconds`; the TTL evicts one without a
 * check). An answer changes nothing: a dropped connection alone is not a crash (a registry replica or a
 * proxy went away, the network blinked).
 */
@Injectable()
export class LostSessionProbe {
  private readonly logger = new Logger('Sessions');

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(HEALTH_PROBERS) private readonly probers: Readonly<Record<CheckType, HealthProber>>,
    private readonly metrics: RegistryMetrics,
  ) {}

  async handle(name: string, id: string): Promise<SessionLossOutcome> {
    const outcome = await this.decide(name, id).catch((error: unknown) => {
      this.logger.warn(`Could not settle the lost session of ${name}/${id}: ${(error as Error).message}`);
      return undefined;
    });
    if (outcome !== undefined) this.metrics.sessionLost(outcome);
    return outcome ?? 'alive';
  }

  private async decide(name: string, id: string): Promise<SessionLossOutcome> {
    const instance = (await this.store.get(name)).find((candidate) => candidate.id === id);
    // Deregistered (a graceful stop deregisters before it closes its session), or evicted.
    if (instance === undefined) return 'gone';
    if (instance.status === 'critical') return 'already-critical';
    const result = await this.probe(instance);
    if (result.ok) return 'alive';
    const marked = await this.store.setHealth(name, id, { status: 'critical', output: `session lost; ${result.output}` });
    if (marked === undefined) return 'gone';
    this.logger.warn(`${name}/${id} lost its session and does not answer (${result.output}): critical`);
    return 'critical';
  }

  private async probe(instance: RegistryInstance): Promise<ProbeResult> {
    const timeoutSeconds = this.config.sessionProbeTimeoutMs / 1000;
    const check: HealthCheck = {
      ...(instance.check ?? { type: 'tcp', intervalSeconds: 10, failuresBeforeCritical: 1, successesBeforePassing: 1, deregisterCriticalAfterSeconds: 60 }),
      timeoutSeconds,
    };
    const target = { host: instance.host, port: instance.port, protocol: instance.protocol };
    return settleProbe(this.probers[check.type], target, check, AbortSignal.timeout(this.config.sessionProbeTimeoutMs));
  }
}
