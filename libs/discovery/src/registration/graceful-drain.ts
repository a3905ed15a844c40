import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { DRAIN_NOT_MARKED, DRAIN_TIMED_OUT, DRAINED, DRAINING } from '../discovery.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { InFlightRequests } from './in-flight-requests';
import { RegistryHttpClient } from './registry-http.client';

/** One registry call of the drain never waits longer than this; the drain's own bound may be shorter. */
const MARK_TIMEOUT_MS = 1500;

/**
 * The first half of a graceful stop, run before the instance deregisters and before Nest closes the
 * HTTP server: (1) mark the instance (all its endpoints) `enabled: false` at the registry, which pushes the change to
 * every client's cache through the watch long poll; (2) keep serving for `drainGraceMs` while those
 * caches stop picking it; (3) wait until no HTTP request is in flight. All of it within
 * `drainTimeoutMs`, so a dead registry or a stuck request cannot hang shutdown. @internal
 */
@Injectable()
export class GracefulDrain {
  private readonly logger = new Logger('Discovery');

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly registry: RegistryHttpClient,
    private readonly inFlight: InFlightRequests,
  ) {}

  /** Drains instance `id` of service `name`; never throws. */
  async run(name: string, id: string): Promise<void> {
    const budget = this.config.drainTimeoutMs;
    if (budget <= 0) return;
    const startedAt = Date.now();
    const remaining = (): number => Math.max(0, startedAt + budget - Date.now());

    // Without a registry that took the drain, no client learns of it: waiting would only delay the stop.
    if (await this.markDisabled(name, id, Math.min(MARK_TIMEOUT_MS, budget))) {
      this.logger.log(DRAINING(id, this.config.drainGraceMs));
      await delay(Math.min(this.config.drainGraceMs, remaining()));
    }
    if (await this.inFlight.idle(remaining())) this.logger.log(DRAINED(Date.now() - startedAt));
    else this.logger.warn(DRAIN_TIMED_OUT(this.inFlight.size, budget));
  }

  private async markDisabled(name: string, id: string, timeoutMs: number): Promise<boolean> {
    try {
      // undefined: the registry does not hold it (it lost its state), so nobody is routed here through it.
      return (await this.registry.patch(name, id, { enabled: false }, timeoutMs)) !== undefined;
    } catch (error) {
      this.logger.warn(DRAIN_NOT_MARKED(id, error instanceof Error ? error.message : String(error)));
      return false;
    }
  }
}
