import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { INITIAL_FETCH_FAILED, WATCH_FAILED, WATCH_RESUMED } from '../discovery.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { fullJitterBackoff } from '../registration/backoff';
import { RegistryHttpClient } from '../registration/registry-http.client';
import { InstanceCache } from './instance-cache';

/** How long one long poll may wait at the registry for a change. */
export const WATCH_TIMEOUT_SECONDS = 30;
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 5000;

/**
 * Fills the {@link InstanceCache} at start and keeps it current with the registry's `/watch`
 * long poll, so a membership change reaches callers within one round trip. On errors it backs
 * off with jitter and resynchronises from scratch (the registry may have restarted). @internal
 */
@Injectable()
export class RegistryWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Discovery');
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly registry: RegistryHttpClient,
    private readonly cache: InstanceCache,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await this.loadAll();
    if (this.config.watch) this.loop = this.watchLoop(loaded ? 0 : 1);
  }

  /**
   * Stops after the HTTP server closed, not at module destroy: while a graceful stop drains, the
   * requests it still serves call other services, and the cache must keep following the registry.
   */
  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** One full load; never throws, so a down registry cannot fail the app's start. */
  private async loadAll(): Promise<boolean> {
    try {
      const { revision, services } = await this.registry.services(this.abort.signal);
      this.cache.applySnapshot(revision, services);
      this.cache.setLive(this.config.watch);
      return true;
    } catch (error) {
      if (!this.abort.signal.aborted) this.logger.warn(INITIAL_FETCH_FAILED(reason(error)));
      return false;
    }
  }

  private async watchLoop(initialFailures: number): Promise<void> {
    const signal = this.abort.signal;
    let failures = initialFailures;
    while (!signal.aborted) {
      try {
        // After a failure, ask without a revision: answered at once with the full state, which
        // also resynchronises with a registry whose revision restarted.
        const since = failures > 0 ? undefined : this.cache.revision;
        const { revision, services } = await this.registry.watch(since, WATCH_TIMEOUT_SECONDS, signal);
        this.cache.applySnapshot(revision, services);
        this.cache.setLive(true);
        if (failures > 0) this.logger.log(WATCH_RESUMED(revision));
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        this.cache.setLive(false);
        if (failures === 0) this.logger.warn(WATCH_FAILED(reason(error)));
        await sleep(fullJitterBackoff(failures, BACKOFF_BASE_MS, BACKOFF_CAP_MS), signal);
        failures++;
      }
    }
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms`, or at once when `signal` aborts; never keeps the process alive. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
