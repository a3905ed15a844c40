import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { INITIAL_FETCH_FAILED, WATCH_FAILED, WATCH_RESUMED } from '../discovery.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { fullJitterBackoff } from '../registration/backoff';
import { RegistryHttpClient } from '../registration/registry-http.client';
import { MAX_WATCHED_SERVICES } from '@nest-discovery/registry-api';
import { InstanceCache } from './instance-cache';

/** How long one long poll may wait at the registry for a change. */
export const WATCH_TIMEOUT_SECONDS = 30;
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 5000;

/**
 * Keeps the {@link InstanceCache} current with the registry's subscription long poll
 * (`GET /watch/services`): only the services the app calls ({@link InstanceCache.subscriptions}), a full
 * listing of them first, then deltas, so a change reaches callers within one round trip and costs bytes
 * in proportion to what changed. When the app subscribes to another service, the poll under way is
 * cut short and the next one asks for the full listing of the grown set (the new service's first calls
 * are answered by its own lookup meanwhile: no gap). On errors it backs off with jitter and resynchronises
 * from scratch (the registry may have restarted).
 *
 * A registry without `/watch/services` (older), or an app calling more than {@link MAX_WATCHED_SERVICES}
 * services, is followed through the whole-registry `/watch` instead. @internal
 */
@Injectable()
export class RegistryWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Discovery');
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  /** The long poll under way, cut short when the subscriptions grow. */
  private poll: AbortController | undefined;
  /** Set when the subscriptions grew: the next poll asks for the full listing. */
  private grown = false;
  private wakeIdle: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly registry: RegistryHttpClient,
    private readonly cache: InstanceCache,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.watch) {
      await this.loadAll();
      return;
    }
    this.unsubscribe = this.cache.onSubscribe(() => {
      this.grown = true;
      this.poll?.abort();
      this.wakeIdle?.();
    });
    // The first poll (no revision) is answered at once: start serving with what it brought.
    const first = await this.pollOnce(true).catch((error: unknown) => {
      if (!this.abort.signal.aborted) this.logger.warn(INITIAL_FETCH_FAILED(reason(error)));
      return 'failed' as const;
    });
    if (first === 'legacy') {
      const loaded = await this.loadAll();
      this.loop = this.watchLoop(loaded ? 0 : 1);
    } else {
      this.loop = this.subscriptionLoop(first === 'failed' ? 1 : 0);
    }
  }

  /**
   * Stops after the HTTP server closed, not at module destroy: while a graceful stop drains, the
   * requests it still serves call other services, and the cache must keep following the registry.
   */
  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.abort.abort();
    this.wakeIdle?.();
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

  /**
   * One subscription poll: `full` asks for the full listing. 'idle' when nothing is subscribed yet,
   * 'legacy' when the registry cannot serve subscriptions (or there are too many); throws on errors.
   */
  private async pollOnce(full: boolean): Promise<'ok' | 'idle' | 'legacy' | 'cut'> {
    const services = this.cache.subscriptions;
    if (services.length === 0) return 'idle';
    if (services.length > MAX_WATCHED_SERVICES) return 'legacy';
    this.grown = false;
    const poll = new AbortController();
    this.poll = poll;
    const signal = AbortSignal.any([this.abort.signal, poll.signal]);
    const { revision, epoch } = this.cache;
    const since = full || revision === undefined || epoch === undefined ? undefined : { revision, epoch };
    try {
      const answer = await this.registry.watchServices(services, since, full ? 0 : WATCH_TIMEOUT_SECONDS, signal);
      if (answer === undefined) return 'legacy';
      this.cache.applyWatch(answer);
      this.cache.setLive(true);
      return 'ok';
    } catch (error) {
      if (poll.signal.aborted && !this.abort.signal.aborted) return 'cut';
      throw error;
    } finally {
      if (this.poll === poll) this.poll = undefined;
    }
  }

  private async subscriptionLoop(initialFailures: number): Promise<void> {
    const outcome = await this.follow(initialFailures, async (failures) => {
      // After a failure or a new subscription, ask for the full listing of every subscribed service.
      const outcome = await this.pollOnce(failures > 0 || this.grown);
      if (outcome === 'idle') {
        // Nothing to follow until the app first asks for a service (or declares one).
        await new Promise<void>((resolve) => {
          this.wakeIdle = resolve;
          if (this.cache.subscriptions.length > 0 || this.abort.signal.aborted) resolve();
        });
        this.wakeIdle = undefined;
        return 'again';
      }
      return outcome === 'cut' ? 'again' : outcome;
    });
    if (outcome === 'legacy') await this.watchLoop(1);
  }

  private async watchLoop(initialFailures: number): Promise<void> {
    await this.follow(initialFailures, async (failures) => {
      // After a failure, ask without a revision: answered at once with the full state, which
      // also resynchronises with a registry whose revision restarted.
      const since = failures > 0 ? undefined : this.cache.revision;
      const { revision, services } = await this.registry.watch(since, WATCH_TIMEOUT_SECONDS, this.abort.signal);
      this.cache.applySnapshot(revision, services);
      this.cache.setLive(true);
      return 'ok';
    });
  }

  /**
   * Polls until stopped, whichever route: a failure marks the cache not live, is logged once (and its end
   * once), and backs off with full jitter; `poll` is told how many failures came in a row. Resolves with
   * 'legacy' when a subscription poll finds the registry cannot serve it.
   */
  private async follow(initialFailures: number, poll: (failures: number) => Promise<'ok' | 'again' | 'legacy'>): Promise<'legacy' | undefined> {
    const signal = this.abort.signal;
    let failures = initialFailures;
    while (!signal.aborted) {
      try {
        const outcome = await poll(failures);
        if (outcome === 'legacy') return outcome;
        if (outcome === 'ok' && failures > 0) this.logger.log(WATCH_RESUMED(this.cache.revision ?? 0));
        if (outcome === 'ok') failures = 0;
      } catch (error) {
        if (signal.aborted) return undefined;
        this.cache.setLive(false);
        if (failures === 0) this.logger.warn(WATCH_FAILED(reason(error)));
        await sleep(fullJitterBackoff(failures, BACKOFF_BASE_MS, BACKOFF_CAP_MS), signal);
        failures++;
      }
    }
    return undefined;
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
