import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ConsulBadRequestError } from '../errors/consul-bad-request.error';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { SubscriptionHub } from '../watch/subscription.hub';
import { WatchHub, WatchTicket } from '../watch/watch.hub';
import { ConsulIndex } from './consul.index';
import { DEFAULT_WAIT_MS, MAX_WAIT_MS } from './consul.constants';
import { parseGoDuration } from './go-duration';

/** A blocking query's parameters: the index the caller holds (none: answer at once) and how long to wait. */
export interface BlockingQuery {
  index?: number;
  waitMs: number;
}

/**
 * Reads `index` and `wait` as Consul does: `wait` a Go duration, at most 10 minutes, 5 by default.
 * @example parseBlocking({ index: '42', wait: '30s' }); // { index: 42, waitMs: 30000 }
 */
export function parseBlocking(query: Readonly<Record<string, unknown>>): BlockingQuery {
  let index: number | undefined;
  if (query.index !== undefined && query.index !== '') {
    index = typeof query.index === 'string' && /^\d{1,15}$/.test(query.index) ? Number(query.index) : Number.NaN;
    if (Number.isNaN(index)) throw new ConsulBadRequestError('Invalid index');
  }
  let waitMs = DEFAULT_WAIT_MS;
  if (query.wait !== undefined && query.wait !== '') {
    const wait = typeof query.wait === 'string' ? parseGoDuration(/^\d+$/.test(query.wait) ? `${query.wait}s` : query.wait) : undefined;
    if (wait === undefined) throw new ConsulBadRequestError('Invalid wait time');
    waitMs = Math.min(MAX_WAIT_MS, wait);
  }
  return index === undefined || index === 0 ? { waitMs } : { index, waitMs };
}

/**
 * Consul's blocking queries on the registry's watch machinery. A query holding the current index is parked
 * — on the {@link SubscriptionHub} by service for a service's listing, on the {@link WatchHub} for the
 * catalog as a whole — and answered once a change wakes it (every parked query at once) or `wait` runs
 * out. Park first, then compare: a change landing in between still releases the ticket.
 */
@Injectable()
export class ConsulBlocking {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: Pick<RegistryStore, 'revision'>,
    private readonly watchHub: WatchHub,
    private readonly subscriptions: SubscriptionHub,
    private readonly index: ConsulIndex,
  ) {}

  /**
   * The index of `services`' listing — their last change, so changes of other services neither wake the
   * caller nor move its index — once it differs from the caller's or `wait` ran out; undefined when the
   * caller went away meanwhile.
   */
  async services(services: readonly string[], query: BlockingQuery, reply: FastifyReply): Promise<number | undefined> {
    const current = (): Promise<number> => this.serviceIndex(services);
    if (query.index === undefined) return current();
    return this.park(this.subscriptions.wait(services, query.waitMs), query.index, current, reply);
  }

  /** The same for answers that cover every service (the catalog's list, the agent's services): any change wakes. */
  async everything(query: BlockingQuery, reply: FastifyReply): Promise<number | undefined> {
    const current = async (): Promise<number> => this.index.of(await this.store.revision());
    if (query.index === undefined) return current();
    return this.park(this.watchHub.wait(query.waitMs, this.index.revisionOf(query.index)), query.index, current, reply);
  }

  private async park(ticket: WatchTicket, held: number, current: () => Promise<number>, reply: FastifyReply): Promise<number | undefined> {
    const onClose = (): void => ticket.cancel();
    reply.raw.once('close', onClose);
    try {
      const now = await current();
      if (now !== held || reply.raw.destroyed) return now;
      const reason = await ticket.released;
      if (reason === 'cancelled') return undefined;
      if (reason === 'shutdown') void reply.header('connection', 'close');
      return await current();
    } finally {
      ticket.cancel();
      reply.raw.off('close', onClose);
    }
  }

  private async serviceIndex(services: readonly string[]): Promise<number> {
    const { log } = this.subscriptions;
    log.anchor(await this.store.revision());
    let latest = 0;
    for (const name of services) latest = Math.max(latest, log.lastChange(name) ?? 0);
    return this.index.of(latest);
  }
}
