import { BeforeApplicationShutdown, Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { REGISTRY_STORE } from '../registry.constants';
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
  resolve(reason: WakeReason): void;
}

const SETTLED: WatchTicket = { released: Promise.resolve('shutdown'), cancel: () => undefined };

/**
 * Parks long-poll watchers until the store's revision changes. One set of waiters, woken all at
 * once by the store's change event: no polling, and the cost of a change is one pass over the set.
 * Each waiter has its own unref()'d timer for its timeout.
 */
@Injectable()
export class WatchHub implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly waiters = new Set<Waiter>();
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(@Inject(REGISTRY_STORE) private readonly store: Pick<RegistryStore, 'onChange'>) {}

  onModuleInit(): void {
    this.unsubscribe = this.store.onChange(() => this.releaseAll('change'));
  }

  /** Number of parked watchers. */
  get size(): number {
    return this.waiters.size;
  }

  /**
   * Parks a watcher until the next change, `timeoutMs`, shutdown or `cancel()`. Register the ticket
   * before reading the revision you compare against, so a change in between is not missed.
   */
  wait(timeoutMs: number): WatchTicket {
    if (this.closed) return SETTLED;
    let waiter!: Waiter;
    const released = new Promise<WakeReason>((resolve) => {
      waiter = { timer: undefined, resolve };
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
    this.releaseAll('shutdown');
  }

  private releaseAll(reason: WakeReason): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(reason);
    }
  }
}
