import { Inject, Injectable } from '@nestjs/common';
import { isRoutable, RegistryInstance } from '../registry/instance.entity';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { isEmptyDelta, serviceDelta } from './service.delta';
import { SubscriptionHub } from './subscription.hub';

/** A `GET /watch/services` answer, ready to send. */
export interface SubscriptionAnswer {
  readonly revision: number;
  readonly full: boolean;
  /** True for a delta that lists no service: nothing the caller subscribed to changed. */
  readonly empty: boolean;
  readonly body: Buffer;
}

const COMMA = Buffer.from(',');

/**
 * Builds the answers of `GET /watch/services`: a delta from the {@link ChangeLog} when the caller's
 * epoch and revision allow one, else the full routable listing of each subscribed service.
 *
 * Each piece is encoded once and shared: a service's delta once per (caller's revision, latest
 * revision) — the watchers woken by one change all hold the same revision — and a service's full
 * listing once per store array (the memory store hands out the same array until the service changes).
 * An answer is those shared pieces joined, as small as what its caller subscribed to. @internal
 */
@Injectable()
export class SubscriptionAnswers {
  /** `service\0since` → encoded `"service":{…delta}` (null: empty), valid for {@link deltasAt}. */
  private readonly deltas = new Map<string, Buffer | null>();
  private deltasAt: number | undefined;
  private readonly listings = new WeakMap<readonly RegistryInstance[], Buffer>();

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: Pick<RegistryStore, 'get' | 'revision'>,
    @Inject(SubscriptionHub) private readonly hub: Pick<SubscriptionHub, 'log'>,
  ) {}

  /** Whether a caller holding `epoch`/`revision` can be answered with a delta (or parked for one). */
  canDelta(epoch: string | undefined, revision: number | undefined): revision is number {
    return epoch === this.hub.log.epoch && revision !== undefined && this.hub.log.covers(revision);
  }

  /** The answer for a caller subscribed to `services` holding `epoch`/`revision`. */
  async answer(services: readonly string[], epoch: string | undefined, revision: number | undefined): Promise<SubscriptionAnswer> {
    if (this.canDelta(epoch, revision)) {
      const delta = this.delta(services, revision);
      if (delta !== undefined) return delta;
    }
    return this.full(services);
  }

  private delta(services: readonly string[], since: number): SubscriptionAnswer | undefined {
    const { log } = this.hub;
    const latest = log.latest as number;
    if (this.deltasAt !== latest) {
      this.deltas.clear();
      this.deltasAt = latest;
    }
    const pieces: Buffer[] = [];
    for (const name of services) {
      const key = `${name}\0${since}`;
      let piece = this.deltas.get(key);
      if (piece === undefined) {
        const changes = log.since(name, since);
        if (changes === undefined) return undefined;
        const delta = serviceDelta(changes);
        piece = isEmptyDelta(delta) ? null : Buffer.from(`${JSON.stringify(name)}:${JSON.stringify(delta)}`);
        this.deltas.set(key, piece);
      }
      if (piece !== null) pieces.push(piece);
    }
    const head = Buffer.from(`{"revision":${latest},"epoch":"${log.epoch}","full":false,"changes":{`);
    return { revision: latest, full: false, empty: pieces.length === 0, body: join(head, pieces) };
  }

  private async full(services: readonly string[]): Promise<SubscriptionAnswer> {
    const { log } = this.hub;
    // Read the revision first: a remote store's state read after it may be newer, which the next delta
    // (from this revision) repeats harmlessly; never older.
    log.anchor(await this.store.revision());
    const revision = log.latest as number;
    const pieces: Buffer[] = [];
    for (const name of services) {
      const list = await this.store.get(name);
      let listing = this.listings.get(list);
      if (listing === undefined) {
        listing = Buffer.from(JSON.stringify(list.every(isRoutable) ? list : list.filter(isRoutable)));
        this.listings.set(list, listing);
      }
      pieces.push(Buffer.concat([Buffer.from(`${JSON.stringify(name)}:`), listing]));
    }
    const head = Buffer.from(`{"revision":${revision},"epoch":"${log.epoch}","full":true,"services":{`);
    return { revision, full: true, empty: false, body: join(head, pieces) };
  }
}

function join(head: Buffer, pieces: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [head];
  pieces.forEach((piece, index) => parts.push(...(index === 0 ? [piece] : [COMMA, piece])));
  parts.push(Buffer.from('}}'));
  return Buffer.concat(parts);
}
