import { BeforeApplicationShutdown, Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { REGISTRY_STORE } from '../registry.constants';
import { ServicesView } from '../registry/services.view';
import { RegistryStore } from '../store/registry-store.interface';

/** Why a watcher was released. */
export type WakeReason = 'change' | 'timeout' | 'shutdown' | 'cancelled';

/** One pending long poll. */
export interface WatchTicket {
  /** Settles once, with the reason the watcher was released. Never rejects. */
  readonly released: Promise<WakeReason>;
  /** Releases the watcher now (client went away); a no-op once released. */
  cancel(): void;
}

interface Waiter {
  timer: NodeJS.Timeout | undefined;
  /** The revision its client holds: a wake-up for another revision releases it; undefined: any change does. */
  known: number | undefined;
  resolve(reason: WakeReason): void;
}

const SETTLED: WatchTicket = { released: Promise.resolve('shutdown'), cancel: () => undefined };

/**
 * Parks long-poll watchers until the store's revision changes. One set of waiters, woken all at
 * once by the store's change event: no polling, and the cost of a change is one pass over the set.
 * Each waiter has its own unref()'d timer for its timeout.
 *
 * Wake-ups are coalesced: a change wakes the watchers on the next turn of the event loop, or — when
 * the service view was rebuilt very recently — once its rebuild is due ({@link ServicesView.rebuildDelayMs}),
 * so a storm of registrations costs the watchers' answers one serialization per such window rather than
 * one per registration. A wake-up releases the watchers whose revision is not the latest.
 */
@Injectable()
export class WatchHub implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly waiters = new Set<Waiter>();
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  /** The latest revision a change announced. */
  private latest: number | undefined;
  private wake: { cancel(): void } | undefined;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: Pick<RegistryStore, 'onChange'>,
    @Optional() private readonly view?: Pick<ServicesView, 'rebuildDelayMs'>,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.store.onChange((revision) => this.changed(revision));
  }

  /** Number of parked watchers. */
  get size(): number {
    return this.waiters.size;
  }

  /**
   * Parks a watcher until a change to a revision other than `known` (any change when undefined) is
   * announced, `timeoutMs`, shutdown or `cancel()`. Register the ticket before reading the revision you
   * compare against, so a change in between is not missed.
   */
  wait(timeoutMs: number, known?: number): WatchTicket {
    if (this.closed) return SETTLED;
    let waiter!: Waiter;
    const released = new Promise<WakeReason>((resolve) => {
      waiter = { timer: undefined, known, resolve };
    });
    const settle = (reason: WakeReason): void => {
      if (!this.waiters.delete(waiter)) return;
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(reason);
    };
    this.waiters.add(waiter);
    waiter.timer = setTimeout(() => settle('timeout'), timeoutMs);
    waiter.timer.unref();
    return { released, cancel: () => settle('cancelled') };
  }

  /** Pending watchers are answered at once so they do not hold up the server's close. */
  beforeApplicationShutdown(): void {
    this.close();
  }

  onModuleDestroy(): void {
    this.close();
  }

  /** Releases everyone with 'shutdown' and answers later waits at once. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.wake?.cancel();
    this.wake = undefined;
    this.releaseAll('shutdown');
  }

  /**
   * Makes sure a wake-up comes within `delayMs`, for a watcher parked on a view that lags the store: the
   * change that moved the store on may already have woken everyone, and no other may come.
   */
  wakeWithin(delayMs: number): void {
    if (this.closed || this.wake !== undefined || this.latest === undefined) return;
    this.schedule(delayMs);
  }

  private changed(revision: number): void {
    this.latest = revision;
    if (this.wake !== undefined) return;
    this.schedule(this.view?.rebuildDelayMs() ?? 0);
  }

  private schedule(delayMs: number): void {
    const fire = (): void => {
      this.wake = undefined;
      this.releaseAll('change', this.latest);
    };
    if (delayMs <= 0) {
      const immediate = setImmediate(fire);
      this.wake = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(fire, delayMs);
      timer.unref();
      this.wake = { cancel: () => clearTimeout(timer) };
    }
  }

  /** Releases, in one pass, every waiter whose client does not hold `latest` (every waiter when undefined). */
  private releaseAll(reason: WakeReason, latest?: number): void {
    if (this.waiters.size === 0) return;
    for (const waiter of this.waiters) {
      if (latest !== undefined && waiter.known === latest) continue;
      this.waiters.delete(waiter);
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(reason);
    }
  }
}
