import { BeforeApplicationShutdown, Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { REGISTRY_STORE } from '../registry.constants';
import { InstanceChange, RegistryStore } from '../store/registry-store.interface';
import { ChangeLog } from './change.log';
import { WakeReason, WatchTicket } from './watch.hub';

interface Subscriber {
  readonly services: readonly string[];
  timer: NodeJS.Timeout | undefined;
  done: boolean;
  resolve(reason: WakeReason): void;
}

const SETTLED: WatchTicket = { released: Promise.resolve('shutdown'), cancel: () => undefined };

/**
 * Parks the watchers of `GET /watch/services` by the services they subscribed to, and records every
 * change the store announces in the {@link ChangeLog} their deltas are computed from. A change wakes
 * only the watchers of the services it touched (all of them when the store could not say which),
 * coalesced to the next turn of the event loop: a sweep evicting a hundred instances wakes each once.
 */
@Injectable()
export class SubscriptionHub implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  readonly log = new ChangeLog();
  private readonly byService = new Map<string, Set<Subscriber>>();
  private count = 0;
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  /** Services changed since the last wake-up; undefined with `pending`: any may have. */
  private touched: Set<string> | undefined = new Set();
  private pending: NodeJS.Immediate | undefined;

  constructor(@Inject(REGISTRY_STORE) private readonly store: Pick<RegistryStore, 'onChange'>) {}

  onModuleInit(): void {
    this.unsubscribe = this.store.onChange((revision, changes) => this.changed(revision, changes));
  }

  /** Parked watchers. */
  get size(): number {
    return this.count;
  }

  /**
   * Parks a watcher until one of `services` changes, `timeoutMs`, shutdown or `cancel()`. Park before
   * computing the answer it waits to improve on, so a change in between still releases it.
   */
  wait(services: readonly string[], timeoutMs: number): WatchTicket {
    if (this.closed) return SETTLED;
    let resolve!: (reason: WakeReason) => void;
    const released = new Promise<WakeReason>((done) => (resolve = done));
    const subscriber: Subscriber = { services, timer: undefined, done: false, resolve };
    for (const name of services) {
      let set = this.byService.get(name);
      if (set === undefined) this.byService.set(name, (set = new Set()));
      set.add(subscriber);
    }
    this.count++;
    subscriber.timer = setTimeout(() => this.release(subscriber, 'timeout'), timeoutMs);
    subscriber.timer.unref();
    return { released, cancel: () => this.release(subscriber, 'cancelled') };
  }

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
    if (this.pending !== undefined) clearImmediate(this.pending);
    this.pending = undefined;
    this.wake(undefined, 'shutdown');
  }

  private changed(revision: number, changes: readonly InstanceChange[] | undefined): void {
    const touched = this.log.record(revision, changes);
    if (touched === undefined) this.touched = undefined;
    else if (this.touched !== undefined) for (const name of touched) this.touched.add(name);
    if (this.pending !== undefined) return;
    this.pending = setImmediate(() => {
      const services = this.touched;
      this.pending = undefined;
      this.touched = new Set();
      this.wake(services, 'change');
    });
  }

  /** Releases the watchers of `services` (everyone when undefined). */
  private wake(services: ReadonlySet<string> | undefined, reason: WakeReason): void {
    if (this.count === 0) return;
    const woken = new Set<Subscriber>();
    if (services === undefined) {
      for (const set of this.byService.values()) for (const subscriber of set) woken.add(subscriber);
    } else {
      for (const name of services) for (const subscriber of this.byService.get(name) ?? []) woken.add(subscriber);
    }
    for (const subscriber of woken) this.release(subscriber, reason);
  }

  private release(subscriber: Subscriber, reason: WakeReason): void {
    if (subscriber.done) return;
    subscriber.done = true;
    for (const name of subscriber.services) {
      const set = this.byService.get(name);
      if (set !== undefined && set.delete(subscriber) && set.size === 0) this.byService.delete(name);
    }
    this.count--;
    if (subscriber.timer) clearTimeout(subscriber.timer);
    subscriber.resolve(reason);
  }
}
