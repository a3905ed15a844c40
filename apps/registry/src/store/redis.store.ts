import { Logger } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { Clock, systemClock } from '../clock';
import { InstanceNameConflictError } from '../errors/instance-name-conflict.error';
import {
  HealthUpdate,
  InstancePatch,
  InstanceRegistration,
  RegistryInstance,
  RegistryState,
  ServiceMap,
} from '../registry/instance.entity';
import { applyHealth, patchOverrides, sameOverrides } from './instance.fields';
import { instanceBody, parseInstances, withControlJson } from './instance.json';
import { randomInstanceId } from './instance.id';
import { CLAIM_LEADERSHIP_SCRIPT, EXPIRY_HISTORY_SCRIPT, EXPIRY_PRESSURE_SCRIPT } from './redis-control.scripts';
import { ControlUpdate, RedisControlWriter } from './redis-control.writer';
import { parseChangeMessage } from './redis-change.message';
import { ALL_SCRIPT, COUNT_TTL_SECONDS, DEREGISTER_SCRIPT, GET_SCRIPT, SWEEP_SCRIPT, UPSERT_SCRIPT } from './redis.scripts';
import { ChangeListener, ExpiryHistory, ExpiryPressure, RegistryStore, StoreCensus, StoreStatus, UpsertResult } from './registry-store.interface';
import { closeStep, RemoteStoreConnection, RemoteStoreOptions } from './remote-store.connection';
import { RevisionSequencer } from './revision.sequencer';
import { describeStore, StoreLocation } from './store-location';

/** The change message is there unless the call was a plain renewal (code 0) or a conflict (-1). */
type UpsertReply = [code: number, revision: number, json: string, control: string, message?: string];
/** Instance JSONs and their controls in the same order (`''`: none), or no controls when the service has none. */
type ListReply = [jsons: string[], controls: string[]];

/** The scripts, as ioredis commands (EVALSHA, loaded on first use). */
interface ScriptCommands {
  registryUpsert(...keysAndArgs: (string | number)[]): Promise<UpsertReply>;
  registryDeregister(...args: string[]): Promise<[] | [revision: number, message: string]>;
  registrySweep(...args: (string | number)[]): Promise<[revision: number, message?: string, ...evicted: string[]]>;
  registryGet(...args: string[]): Promise<ListReply>;
  registryAll(prefix: string): Promise<[number, ...(string | string[])[]]>;
  registryClaimLeadership(key: string, owner: string, ttlMs: number): Promise<number>;
  registryExpiryPressure(key: string): Promise<[due: number, registered: number, nowMs: number]>;
  registryExpiryHistory(prefix: string, seconds: number): Promise<number[]>;
}

/** What the Redis store is built with. */
export interface RedisStoreOptions extends RemoteStoreOptions {
  /**
   * The longest self-preservation may hold evictions back (`REGISTRY_SELF_PRESERVATION_MAX_SECONDS`, in
   * ms; default 300 000). Instance keys outlive their TTL by this plus {@link EXPIRY_GRACE_MS}, so an
   * instance held back is still there when the hold ends.
   */
  evictionHoldMaxMs?: number;
}

/** How long an instance key outlives its TTL (and any hold) when no replica sweeps (they all died): then Redis drops it. */
const EXPIRY_GRACE_MS = 60_000;
const DEFAULT_EVICTION_HOLD_MAX_MS = 300_000;
/** Evictions per sweep script call, so one call never blocks Redis for long. */
const SWEEP_BATCH = 1000;

/**
 * The registry's state in Redis, shared by every registry replica pointed at the same server and prefix.
 * Each operation is one Lua script (one round trip, atomic): a plain renewal rewrites the instance's key
 * and deadline without touching the revision; a change INCRs `<prefix>:revision` and publishes it on
 * `<prefix>:changes` with what it changed, which every replica's subscriber turns into `onChange` (deltas
 * included), so a long poll wakes on every replica. Expiry: every replica sweeps `<prefix>:deadlines` (Redis's clock); the sweep is one
 * script, so exactly one replica evicts a given instance and bumps the revision for it. Health and an
 * operator's overrides live beside the instance (`<prefix>:control:<name>`), out of a renewal's way;
 * they are decided in JS and written by compare-and-set ({@link RedisControlWriter}). Renewals and
 * evictions are counted per second of Redis's clock inside the same scripts, so every replica's
 * self-preservation reads the whole fleet's history ({@link expiryHistory}).
 */
export class RedisRegistryStore implements RegistryStore {
  readonly kind = 'redis';
  private readonly logger = new Logger('Store');
  private readonly listeners = new Set<ChangeListener>();
  private readonly client: Redis & ScriptCommands;
  private readonly subscriber: Redis;
  private readonly connection: RemoteStoreConnection;
  private readonly channel: string;
  private readonly controls: RedisControlWriter;
  private readonly graceMs: number;
  /** Every replica's changes, told to listeners once each, in revision order. */
  private readonly sequencer = new RevisionSequencer((revision, changes) => {
    for (const listener of this.listeners) listener(revision, changes);
  });

  /** Connects (failing fast with a clear message when Redis cannot be reached) and subscribes to changes. */
  static async connect(location: Extract<StoreLocation, { kind: 'redis' }>, options: RedisStoreOptions): Promise<RedisRegistryStore> {
    const store = new RedisRegistryStore(location, options);
    await store.start();
    return store;
  }

  private constructor(
    location: Extract<StoreLocation, { kind: 'redis' }>,
    private readonly options: RedisStoreOptions,
    private readonly clock: Clock = options.clock ?? systemClock,
  ) {
    this.graceMs = EXPIRY_GRACE_MS + (options.evictionHoldMaxMs ?? DEFAULT_EVICTION_HOLD_MAX_MS);
    this.connection = new RemoteStoreConnection(describeStore(location), this.logger, () => this.resync());
    this.channel = `${options.prefix}:changes`;
    const redisOptions: RedisOptions = {
      lazyConnect: true,
      // Fail a request at once while Redis is away (the client tries another replica) instead of queueing it.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 3000,
      commandTimeout: 2000,
      // No retry before the first connection (fail fast at start); afterwards reconnect forever, capped at 2 s.
      retryStrategy: (attempt) => (this.connection.started ? Math.min(100 * 2 ** Math.min(attempt, 5), 2000) : null),
    };
    this.client = new Redis(location.url, redisOptions) as Redis & ScriptCommands;
    this.subscriber = new Redis(location.url, { ...redisOptions, commandTimeout: undefined });
    this.client.defineCommand('registryUpsert', { numberOfKeys: 6, lua: UPSERT_SCRIPT });
    this.client.defineCommand('registryDeregister', { numberOfKeys: 0, lua: DEREGISTER_SCRIPT });
    this.client.defineCommand('registrySweep', { numberOfKeys: 0, lua: SWEEP_SCRIPT });
    this.client.defineCommand('registryGet', { numberOfKeys: 0, lua: GET_SCRIPT });
    this.client.defineCommand('registryAll', { numberOfKeys: 0, lua: ALL_SCRIPT });
    this.client.defineCommand('registryClaimLeadership', { numberOfKeys: 1, lua: CLAIM_LEADERSHIP_SCRIPT });
    this.client.defineCommand('registryExpiryPressure', { numberOfKeys: 1, lua: EXPIRY_PRESSURE_SCRIPT });
    this.client.defineCommand('registryExpiryHistory', { numberOfKeys: 0, lua: EXPIRY_HISTORY_SCRIPT });
    this.controls = new RedisControlWriter(this.client, this.connection, options.prefix, this.channel);
  }

  async upsert(registration: InstanceRegistration): Promise<UpsertResult> {
    const { name, ttlSeconds } = registration;
    const id = registration.id ?? randomInstanceId(name);
    const [code, revision, json, control, message] = await this.connection.call(() =>
      this.client.registryUpsert(
        this.key(`instance:${id}`),
        this.key(`service:${name}`),
        this.key('services'),
        this.key('deadlines'),
        this.key('revision'),
        this.key(`control:${name}`),
        name,
        id,
        instanceBody(id, registration),
        new Date(this.clock.now()).toISOString(),
        ttlSeconds * 1000,
        this.graceMs,
        this.channel,
        this.key('renewals:'),
      ),
    );
    if (code === -1) throw new InstanceNameConflictError(id, json, name);
    if (message !== undefined) this.receive(message);
    const instance = JSON.parse(withControlJson(json, control)) as RegistryInstance;
    return { instance, created: code === 2, changed: code === 1, revision };
  }

  async patch(name: string, id: string, patch: InstancePatch): Promise<RegistryInstance | undefined> {
    const update = await this.controls.update(name, id, (control) => {
      const overrides = patchOverrides(control.overrides, patch);
      return sameOverrides(control.overrides, overrides) ? undefined : { control: { ...control, overrides }, announce: true };
    });
    return this.settle(update);
  }

  async setHealth(name: string, id: string, health: HealthUpdate): Promise<RegistryInstance | undefined> {
    const nowIso = new Date(this.clock.now()).toISOString();
    const update = await this.controls.update(name, id, (control) => {
      // A new probe output alone is stored for the dashboard but announces nothing.
      const [next, changed] = applyHealth(control, health, nowIso);
      return { control: next, announce: changed };
    });
    return this.settle(update);
  }

  async claimCheckLeadership(owner: string, ttlMs: number): Promise<boolean> {
    const held = await this.connection.call(() => this.client.registryClaimLeadership(this.key('checks-leader'), owner, ttlMs));
    return held === 1;
  }

  async expiryPressure(): Promise<ExpiryPressure> {
    const [due, registered, at] = await this.connection.call(() => this.client.registryExpiryPressure(this.key('deadlines')));
    return { due, registered, at };
  }

  /** One script call (TIME and one MGET). Counters live {@link COUNT_TTL_SECONDS}: seconds older than that read 0 unasked. */
  async expiryHistory(seconds: number): Promise<ExpiryHistory> {
    const wanted = Math.max(1, Math.floor(seconds));
    const span = Math.min(wanted, COUNT_TTL_SECONDS);
    const [second, micros, ...counts] = await this.connection.call(() => this.client.registryExpiryHistory(this.options.prefix, span));
    const older = new Array<number>(wanted - span).fill(0);
    return {
      now: second * 1000 + Math.floor(micros / 1000),
      renewals: [...older, ...counts.slice(0, span)],
      evictions: [...older, ...counts.slice(span)],
    };
  }

  async deregister(name: string, id: string): Promise<boolean> {
    const reply = await this.connection.call(() => this.client.registryDeregister(this.options.prefix, name, id, this.channel));
    if (reply.length === 0) return false;
    this.receive(reply[1]);
    return true;
  }

  async get(name: string, tag?: string): Promise<readonly RegistryInstance[]> {
    const [jsons, controls] = await this.connection.call(() => this.client.registryGet(this.options.prefix, name));
    const instances = parseListed(jsons, controls);
    return tag === undefined ? instances : instances.filter((instance) => instance.tags.includes(tag));
  }

  async all(): Promise<RegistryState> {
    const [revision, ...rest] = await this.connection.call(() => this.client.registryAll(this.options.prefix));
    const services: ServiceMap = {};
    for (let i = 0; i < rest.length; i += 3) {
      services[rest[i] as string] = parseListed(rest[i + 1] as string[], rest[i + 2] as string[]);
    }
    return { revision: Number(revision), services };
  }

  async census(name: string, id: string | undefined): Promise<StoreCensus> {
    // One round trip, three O(1) reads; not atomic together, as admission across replicas is not either.
    const [registered, instances, services] = await this.connection.call(async () => {
      const replies = await this.client
        .pipeline()
        .zscore(this.key(`service:${name}`), id ?? '')
        .zcard(this.key(`service:${name}`))
        .zcard(this.key('services'))
        .exec();
      return (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
    });
    return { registered: id !== undefined && registered !== null, instances: Number(instances), services: Number(services) };
  }

  async revision(): Promise<number> {
    return Number((await this.connection.call(() => this.client.get(this.key('revision')))) ?? 0);
  }

  async expire(dueBy?: number): Promise<readonly RegistryInstance[]> {
    if (this.connection.closed) return [];
    const evicted: RegistryInstance[] = [];
    for (;;) {
      const [revision, message, ...removed] = await this.connection.call(() =>
        this.client.registrySweep(this.options.prefix, this.channel, SWEEP_BATCH, dueBy ?? ''),
      );
      // Also a safety net for a lost pub/sub message: every sweep reads the current revision.
      if (message === undefined) this.sequencer.reached(revision);
      else this.receive(message);
      const jsons: string[] = [];
      for (let i = 0; i < removed.length; i += 2) {
        if (removed[i].startsWith('{')) jsons.push(withControlJson(removed[i], removed[i + 1]));
        else this.logger.warn(`Evicted ${removed[i]}: its key had already expired in Redis (no replica swept for a while)`);
      }
      evicted.push(...parseInstances(jsons));
      if (removed.length < SWEEP_BATCH * 2) return evicted;
    }
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async status(): Promise<StoreStatus> {
    return this.connection.status(this.kind, () => this.client.ping());
  }

  async close(): Promise<void> {
    this.connection.close();
    this.listeners.clear();
    this.sequencer.close();
    // QUIT lets Redis finish what was sent; bounded, and the socket is dropped after it either way.
    await Promise.all([this.subscriber, this.client].map((redis) => closeStep(redis.quit()).then(() => redis.disconnect())));
  }

  private async start(): Promise<void> {
    const onError = (error: Error): void => this.connection.lost(error.message);
    this.client.on('error', onError).on('close', () => this.connection.lost('connection closed'));
    this.client.on('ready', () => this.connection.restored());
    // The subscriber's own errors mirror the client's; its reconnection may have missed messages.
    this.subscriber.on('error', () => undefined).on('ready', () => this.connection.started && void this.resync());
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    await this.connection.open(async () => {
      await Promise.all([this.client.connect(), this.subscriber.connect()]);
      await this.subscriber.subscribe(this.channel);
      this.sequencer.reset(await this.revision());
    }, () => {
      this.client.disconnect();
      this.subscriber.disconnect();
    });
  }

  /** After a reconnection: announce whatever changed while messages could not arrive (without details: they may be lost). */
  private async resync(): Promise<void> {
    const revision = await this.revision().catch(() => undefined);
    if (revision === undefined) return;
    if (revision < this.sequencer.latest) this.sequencer.reset(0); // the counter was reset (Redis flushed)
    this.sequencer.reached(revision, true);
  }

  /** The instance a control update left, after announcing the change it made (if it did). */
  private settle(update: ControlUpdate | undefined): RegistryInstance | undefined {
    if (update?.message !== undefined) this.receive(update.message);
    return update?.instance;
  }

  /** A change message, from our own write's reply or from pub/sub (each is told once, whichever comes first). */
  private receive(message: string): void {
    const { revision, changes } = parseChangeMessage(message);
    this.sequencer.changed(revision, changes);
  }

  private key(suffix: string): string {
    return `${this.options.prefix}:${suffix}`;
  }
}

/** A listed service's instances, each with its control spliced in, parsed in one go. */
function parseListed(jsons: string[], controls: readonly string[]): RegistryInstance[] {
  return parseInstances(controls.length === 0 ? jsons : jsons.map((json, i) => withControlJson(json, controls[i])));
}
