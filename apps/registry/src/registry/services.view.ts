import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock';
import { REGISTRY_CLOCK, REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { isRoutable, ServiceMap } from './instance.entity';

/**
 * Which instances a listing shows: `routable` (the default of every read: passing and not drained, what
 * clients may call) or `all` (`?status=all`: critical and drained too, for operators).
 */
export type ListingScope = 'routable' | 'all';

/**
 * The serialized service map at one revision, held once, as the bytes every reader sends: at 100 000
 * instances the JSON is ~30 MB, and a string of it beside its encoding (and the `services` part as a third
 * copy) kept three such copies alive per cached view.
 */
export interface SerializedServices {
  revision: number;
  /** UTF-8 JSON of `{ revision, services }`, the body of `/services` and `/watch`. */
  body: Buffer;
  /** Where the `services` object starts in `body` (it ends one byte before `body`'s end). */
  servicesAt: number;
}

/** The JSON of the view's `services` object: a window on its body, not a copy. */
export function servicesJson(view: SerializedServices): Buffer {
  return view.body.subarray(view.servicesAt, view.body.length - 1);
}

/**
 * `builtAt` on the registry's clock (what heartbeats' staleness is measured on); `builtAtMs` on the
 * monotonic clock, like `buildMs`: how long ago a build was, against what it cost, is CPU time, whatever
 * an injected clock says.
 */
type CachedView = SerializedServices & { builtAt: number; builtAtMs: number; buildMs: number };

/** Monotonic milliseconds since the build in `view`. */
function sinceBuild(view: CachedView): number {
  return performance.now() - view.builtAtMs;
}

/**
 * How stale `lastHeartbeat` may be in a cached listing. Renewals do not change the revision, so
 * without this bound a steady registry would serve the first serialization forever.
 */
export const HEARTBEAT_STALENESS_MS = 1000;

/**
 * Under churn, a registration's answer may reuse a view until it is this many times as old as its own
 * build took: serializing 100 000 instances takes ~100 ms, and rebuilding it for every one of a storm of
 * registrations made filling a large registry quadratic. The answer carries the view's own revision, so
 * the client catches up through the watch.
 */
const REBUILD_COST_FACTOR = 10;

/**
 * Watchers are woken at most this often under churn: a build's own time leaves out what the view costs
 * after it (its bytes written to every watcher, the garbage of each copy), which under a storm of
 * registrations into a small registry woke the watchers every few milliseconds, with the whole registry
 * each time. A change after a quiet spell still wakes them on the next turn.
 */
export const MIN_REBUILD_INTERVAL_MS = 50;

/**
 * Views smaller than this are rebuilt for every reader that asks for the current revision, lag allowed or
 * not: they cost well under a millisecond, and the lag is for registries whose rebuild is what a storm of
 * registrations would spend its time on. Measured in bytes, not in the build's time: on a busy machine a small
 * build's time is noise, and a registration answered without itself, on a quiet registry, is a surprise.
 */
export const LAG_MIN_BYTES = 1 << 20;

function lagWorthy(view: CachedView): boolean {
  return view.body.length >= LAG_MIN_BYTES;
}

/** How long watchers holding a view's revision stay parked while the store moves on. */
function lagBudgetMs(view: CachedView): number {
  return Math.max(view.buildMs * REBUILD_COST_FACTOR, MIN_REBUILD_INTERVAL_MS);
}

/**
 * Serializes the service map once per revision and shares the string: a change that wakes a
 * thousand watchers costs one JSON.stringify, and steady heartbeats cost none. Callers asking at once
 * for the same revision share one build.
 */
@Injectable()
export class ServicesView {
  private readonly cached = new Map<ListingScope, CachedView>();
  /** A build under way, by scope, with the revision its callers read before asking. */
  private readonly building = new Map<ListingScope, { revision: number; view: Promise<CachedView> }>();

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The view at the current revision, or — with `allowLag` — a recent one (see REBUILD_COST_FACTOR)
   * that may be a few revisions behind, though never at `newerThan` (a watcher's revision: it must learn something).
   */
  async current(options: { allowLag?: boolean; scope?: ListingScope; newerThan?: number } = {}): Promise<SerializedServices> {
    const scope = options.scope ?? 'routable';
    const revision = await this.store.revision();
    const now = this.clock.now();
    const cached = this.cached.get(scope);
    if (cached !== undefined) {
      const age = now - cached.builtAt;
      if (cached.revision === revision && age < HEARTBEAT_STALENESS_MS) return cached;
      if (options.allowLag && lagWorthy(cached) && cached.revision !== options.newerThan && sinceBuild(cached) < cached.buildMs * REBUILD_COST_FACTOR) return cached;
    }
    const pending = this.building.get(scope);
    // A build takes several turns: under churn, callers that accept a lag share the one under way.
    const mayShare = options.allowLag && cached !== undefined && lagWorthy(cached) && pending?.revision !== options.newerThan;
    if (pending !== undefined && (pending.revision === revision || mayShare)) {
      return pending.view;
    }
    const view = this.build(scope, now).finally(() => {
      if (this.building.get(scope)?.view === view) this.building.delete(scope);
    });
    this.building.set(scope, { revision, view });
    return view;
  }

  /**
   * Whether a client holding `revision` has nothing newer to learn before the next rebuild is due: the
   * cached view is at `revision` and an `allowLag` read would still be answered with it.
   */
  holds(scope: ListingScope, revision: number): boolean {
    const cached = this.cached.get(scope);
    return cached !== undefined && cached.revision === revision && sinceBuild(cached) < lagBudgetMs(cached);
  }

  /**
   * How long a change should wait before waking watchers, so that under churn the view is rebuilt at
   * most about once per REBUILD_COST_FACTOR builds' time: 0 when the last build is old enough.
   */
  rebuildDelayMs(scope: ListingScope = 'routable'): number {
    const cached = this.cached.get(scope);
    if (cached === undefined) return 0;
    return Math.max(0, lagBudgetMs(cached) - sinceBuild(cached));
  }

  /**
   * Serializes the state in slices of {@link SLICE_MS}, yielding to the event loop between them: at
   * 100 000 instances a build takes ~100 ms, and under churn a lookup or a registration arriving meanwhile
   * waited for all of it. The state is a snapshot (the store hands out lists it never changes), so the
   * slices describe one revision.
   */
  private async build(scope: ListingScope, now: number): Promise<CachedView> {
    const state = await this.store.all();
    // Only the serialization counts as the build's cost: a remote store's round trip, or the turns other
    // work ran between slices, is not CPU spent here, and counting it would let answers lag on every registry.
    let buildMs = 0;
    let sliceStart = performance.now();
    const shown = scope === 'all' ? state.services : routableOnly(state.services);
    const head = Buffer.from(`{"revision":${state.revision},"services":`);
    // Encoded piece by piece inside the slices (one 100 000-instance encode is ~30 ms).
    const bytes: Buffer[] = [head, Buffer.from('{')];
    const add = (piece: string): void => {
      bytes.push(Buffer.from(piece));
    };
    let first = true;
    for (const name in shown) {
      const list = shown[name];
      add(`${first ? '' : ','}${JSON.stringify(name)}:[`);
      first = false;
      for (let from = 0; from < list.length; from += SLICE_INSTANCES) {
        const json = JSON.stringify(from === 0 && list.length <= SLICE_INSTANCES ? list : list.slice(from, from + SLICE_INSTANCES));
        add(from === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`);
        const spent = performance.now() - sliceStart;
        if (spent >= SLICE_MS) {
          buildMs += spent;
          await nextTurn();
          sliceStart = performance.now();
        }
      }
      add(']');
    }
    bytes.push(Buffer.from('}}'));
    const fresh: CachedView = {
      revision: state.revision,
      body: Buffer.concat(bytes),
      servicesAt: head.length,
      builtAt: now,
      builtAtMs: sliceStart,
      buildMs: 0,
    };
    fresh.buildMs = buildMs + performance.now() - sliceStart;
    fresh.builtAtMs = performance.now();
    const cached = this.cached.get(scope);
    // A slower build of an older state finishing late must not replace a newer one.
    if (cached === undefined || cached.revision <= fresh.revision) this.cached.set(scope, fresh);
    return fresh;
  }
}

/** Instances serialized at once in a build: a slice of a fat service is about a millisecond's work. */
const SLICE_INSTANCES = 500;
/** How long a build runs before it lets other work in. */
const SLICE_MS = 2;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The map without critical and drained instances; a service left with none is left out. */
function routableOnly(services: ServiceMap): ServiceMap {
  const shown: ServiceMap = {};
  for (const name in services) {
    const instances = services[name];
    // Most services have every instance routable: keep their (shared) arrays rather than copy them.
    const routable = instances.every(isRoutable) ? instances : instances.filter(isRoutable);
    if (routable.length > 0) shown[name] = routable;
  }
  return shown;
}
