import { Logger } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { Clock, systemClock } from '../clock';
import { InstanceNameConflictError } from '../errors/instance-name-conflict.error';
import { InstanceRegistration, RegistryInstance, RegistryState, ServiceMap } from '../registry/instance.entity';
import { instanceBody, parseInstances } from './instance.json';
import { randomInstanceId } from './instance.id';
import { ALL_SCRIPT, DEREGISTER_SCRIPT, GET_SCRIPT, SWEEP_SCRIPT, UPSERT_SCRIPT } from './redis.scripts';
import { ChangeListener, RegistryStore, StoreStatus, UpsertResult } from './registry-store.interface';
import { RemoteStoreConnection, RemoteStoreOptions } from './remote-store.connection';
import { describeStore, StoreLocation } from './store-location';

type UpsertReply = [code: number, revision: number, json: string];

/** The scripts, as ioredis commands (EVALSHA, loaded on first use). */
interface ScriptCommands {
  registryUpsert(...keysAndArgs: (string | number)[]): Promise<UpsertReply>;
  registryDeregister(...args: string[]): Promise<number>;
  registrySweep(...args: (string | number)[]): Promise<[number, ...string[]]>;
  registryGet(...args: string[]): Promise<string[]>;
  registryAll(prefix: string): Promise<[number, ...(string | string[])[]]>;
}

/** How long an instance key outlives its TTL when no replica sweeps (they all died): then Redis drops it. */
const EXPIRY_GRACE_MS = 60_000;
/** Evictions per sweep script call, so one call never blocks Redis for long. */
const SWEEP_BATCH = 1000;

/**
 * The registry's state in Redis, shared by every registry replica pointed at the same server and prefix.
 * Each operation is one Lua script (one round trip, atomic): a plain renewal rewrites the instance's key
 * and deadline without touching the revision; a change INCRs `<prefix>:revision` and publishes it on
 * `<prefix>:changes`, which every replica's subscriber turns into `onChange`, so a long poll wakes on
 * every replica. Expiry: every replica sweeps `<prefix>:deadlines` (Redis's clock); the sweep is one
 * script, so exactly one replica evicts a given instance and bumps the revision for it.
 */
export class RedisRegistryStore implements RegistryStore {
  readonly kind = 'redis';
  private readonly logger = new Logger('Store');
  private readonly listeners = new Set<ChangeListener>();
  private readonly client: Redis & ScriptCommands;
  private readonly subscriber: Redis;
  private readonly connection: RemoteStoreConnection;
  private readonly channel: string;
  private announced = 0;

  /** Connects (failing fast with a clear message when Redis cannot be reached) and subscribes to changes. */
  static async connect(location: Extract<StoreLocation, { kind: 'redis' }>, options: RemoteStoreOptions): Promise<RedisRegistryStore> {
    const store = new RedisRegistryStore(location, options);
    await store.start();
    return store;
  }

  private constructor(
    location: Extract<StoreLocation, { kind: 'redis' }>,
    private readonly options: RemoteStoreOptions,
    private readonly clock: Clock = options.clock ?? systemClock,
  ) {
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
    this.client.defineCommand('registryUpsert', { numberOfKeys: 5, lua: UPSERT_SCRIPT });
    this.client.defineCommand('registryDeregister', { numberOfKeys: 0, lua: DEREGISTER_SCRIPT });
    this.client.defineCommand('registrySweep', { numberOfKeys: 0, lua: SWEEP_SCRIPT });
    this.client.defineCommand('registryGet', { numberOfKeys: 0, lua: GET_SCRIPT });
    this.client.defineCommand('registryAll', { numberOfKeys: 0, lua: ALL_SCRIPT });
  }

  async upsert(registration: InstanceRegistration): Promise<UpsertResult> {
    const { name, ttlSeconds } = registration;
    const id = registration.id ?? randomInstanceId(name);
    const [code, revision, json] = await this.connection.call(() =>
      this.client.registryUpsert(
        this.key(`instance:${id}`),
        this.key(`service:${name}`),
        this.key('services'),
        this.key('deadlines'),
        this.key('revision'),
        name,
        id,
        instanceBody(id, registration),
        new Date(this.clock.now()).toISOString(),
        ttlSeconds * 1000,
        EXPIRY_GRACE_MS,
        this.channel,
      ),
    );
    if (code === -1) throw new InstanceNameConflictError(id, json, name);
    if (code !== 0) this.announce(revision);
    return { instance: JSON.parse(json) as RegistryInstance, created: code === 2, changed: code === 1, revision };
  }

  async deregister(name: string, id: string): Promise<boolean> {
    const revision = await this.connection.call(() => this.client.registryDeregister(this.options.prefix, name, id, this.channel));
    if (revision === 0) return false;
    this.announce(revision);
    return true;
  }

  async get(name: string, tag?: string): Promise<readonly RegistryInstance[]> {
    const instances = parseInstances(await this.connection.call(() => this.client.registryGet(this.options.prefix, name)));
    return tag === undefined ? instances : instances.filter((instance) => instance.tags.includes(tag));
  }

  async all(): Promise<RegistryState> {
    const [revision, ...rest] = await this.connection.call(() => this.client.registryAll(this.options.prefix));
    const services: ServiceMap = {};
    for (let i = 0; i < rest.length; i += 2) services[rest[i] as string] = parseInstances(rest[i + 1] as string[]);
    return { revision: Number(revision), services };
  }

  async revision(): Promise<number> {
    return Number((await this.connection.call(() => this.client.get(this.key('revision')))) ?? 0);
  }

  async expire(): Promise<readonly RegistryInstance[]> {
    if (this.connection.closed) return [];
    const evicted: RegistryInstance[] = [];
    for (;;) {
      const [revision, ...removed] = await this.connection.call(() =>
        this.client.registrySweep(this.options.prefix, this.channel, SWEEP_BATCH),
      );
      // Also a safety net for a lost pub/sub message: every sweep announces the current revision.
      this.announce(revision);
      evicted.push(...parseInstances(removed.filter((entry) => entry.startsWith('{'))));
      for (const member of removed.filter((entry) => !entry.startsWith('{'))) {
        this.logger.warn(`Evicted ${member}: its key had already expired in Redis (no replica swept for a while)`);
      }
      if (removed.length < SWEEP_BATCH) return evicted;
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
    await Promise.all([this.subscriber, this.client].map((redis) => redis.quit().catch(() => redis.disconnect())));
  }

  private async start(): Promise<void> {
    const onError = (error: Error): void => this.connection.lost(error.message);
    this.client.on('error', onError).on('close', () => this.connection.lost('connection closed'));
    this.client.on('ready', () => this.connection.restored());
    // The subscriber's own errors mirror the client's; its reconnection may have missed messages.
    this.subscriber.on('error', () => undefined).on('ready', () => this.connection.started && void this.resync());
    this.subscriber.on('message', (_channel: string, message: string) => this.announce(Number(message)));
    await this.connection.open(async () => {
      await Promise.all([this.client.connect(), this.subscriber.connect()]);
      await this.subscriber.subscribe(this.channel);
      this.announced = await this.revision();
    }, () => {
      this.client.disconnect();
      this.subscriber.disconnect();
    });
  }

  /** After a reconnection: announce whatever changed while messages could not arrive. */
  private async resync(): Promise<void> {
    const revision = await this.revision().catch(() => undefined);
    if (revision === undefined) return;
    if (revision < this.announced) this.announced = 0; // the counter was reset (Redis flushed)
    this.announce(revision);
  }

  /** Tells listeners about `revision` once, whether it came from our own write, pub/sub or a sweep. */
  private announce(revision: number): void {
    if (!(revision > this.announced)) return;
    this.announced = revision;
    for (const listener of this.listeners) listener(revision);
  }

  private key(suffix: string): string {
    return `${this.options.prefix}:${suffix}`;
  }
}
