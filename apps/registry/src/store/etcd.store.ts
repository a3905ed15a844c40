import { Logger } from '@nestjs/common';
import { ExponentialBackoff, handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';
import { Clock, systemClock } from '../clock';
import { InstanceNameConflictError } from '../errors/instance-name-conflict.error';
import { InstanceRegistration, RegistryInstance, RegistryState } from '../registry/instance.entity';
import { EtcdLeaseKeeper } from './etcd-lease.keeper';
import { EtcdInstancesWatch, EtcdKeys } from './etcd-instances.watch';
import { EtcdMirror, MirrorEntry } from './etcd.mirror';
import { randomInstanceId } from './instance.id';
import { sameFields, toInstance } from './instance.fields';
import { ChangeListener, RegistryStore, StoreStatus, UpsertResult } from './registry-store.interface';
import { RemoteStoreConnection, RemoteStoreOptions } from './remote-store.connection';
import { StoreLocation } from './store-location';

/** How long a write waits for the watch to bring this replica's mirror to the write's revision. */
const MIRROR_WAIT_MS = 2000;
/** Deadline of every unary etcd call. */
const CALL_DEADLINE_MS = 2000;

type EtcdLocation = Extract<StoreLocation, { kind: 'etcd' }>;

/**
 * The registry's state in etcd, shared by every replica pointed at the same cluster and prefix.
 * Instances live at `<prefix>/instances/<name>/<id>`, each attached to its own lease whose TTL is the
 * instance's: a plain renewal is one LeaseKeepAlive message and writes nothing (so etcd's revision does
 * not move); a changed registration is a put with the same lease; expiry is etcd revoking the lease,
 * which deletes the key. Every replica watches the prefix into an {@link EtcdMirror} that serves reads
 * and whose revision — etcd's revision of the last change — is the registry's revision, the same on
 * every replica. `<prefix>/revision` remembers the revision of the last deletion, so a replica started
 * later still reports the same revision as the others.
 */
export class EtcdRegistryStore implements RegistryStore {
  readonly kind = 'etcd';
  private readonly logger = new Logger('Store');
  private readonly listeners = new Set<ChangeListener>();
  private readonly mirror = new EtcdMirror();
  private readonly client: Etcd3;
  private readonly leases: EtcdLeaseKeeper;
  private readonly connection: RemoteStoreConnection;
  private readonly keys: EtcdKeys;
  private readonly watch: EtcdInstancesWatch;

  /** Connects, reads every instance and starts watching; fails fast with a clear message when etcd is unreachable. */
  static async connect(location: EtcdLocation, options: RemoteStoreOptions): Promise<EtcdRegistryStore> {
    const store = new EtcdRegistryStore(location, options);
    await store.connection.open(
      () => store.watch.load(),
      () => store.client.close(),
    );
    return store;
  }

  private constructor(
    location: EtcdLocation,
    options: RemoteStoreOptions,
    private readonly clock: Clock = options.clock ?? systemClock,
  ) {
    // Nothing to catch up after an outage: the watch resumes from its last revision by itself.
    this.connection = new RemoteStoreConnection(location.url, this.logger, async () => undefined);
    this.keys = new EtcdKeys(options.prefix);
    this.client = new Etcd3({
      hosts: location.hosts,
      dialTimeout: 3000,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
      faultHandling: {
        // No circuit breaker: it would keep failing calls for seconds after etcd is back.
        host: () => noop,
        global: retry(handleWhen(isRecoverableError), { maxAttempts: location.hosts.length - 1 }),
        // (etcd3 types this as a backoff, not a factory: hand it the first step.)
        watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }).next(),
      },
    });
    this.leases = new EtcdLeaseKeeper(this.client.leaseClient);
    this.watch = new EtcdInstancesWatch(this.client, this.keys, this.mirror, this.connection, () => this.announce());
  }

  async upsert(registration: InstanceRegistration): Promise<UpsertResult> {
    const id = registration.id ?? randomInstanceId(registration.name);
    return this.connection.call(() => this.upsertOnce(registration, id, true));
  }

  async deregister(name: string, id: string): Promise<boolean> {
    const entry = this.mirror.entry(id);
    if (entry !== undefined && entry.instance.name !== name) return false;
    const key = this.keys.instance(name, id);
    this.watch.ownDeletes.add(key);
    const answer = await this.connection
      .call(() => this.client.kv.deleteRange({ key: Buffer.from(key) }))
      .catch((error: unknown) => {
        this.watch.ownDeletes.delete(key);
        throw error;
      });
    if (Number(answer.deleted) === 0) {
      this.watch.ownDeletes.delete(key);
      return false;
    }
    const revision = Number(answer.header.revision);
    await this.settle(revision);
    await this.watch.rememberDeletion(revision);
    // The key is gone already; revoking only frees the lease early.
    if (entry) void this.client.leaseClient.leaseRevoke({ ID: entry.lease }).catch(() => undefined);
    return true;
  }

  async get(name: string, tag?: string): Promise<readonly RegistryInstance[]> {
    const instances = this.mirror.get(name);
    return tag === undefined ? instances : instances.filter((instance) => instance.tags.includes(tag));
  }

  async all(): Promise<RegistryState> {
    return this.mirror.all();
  }

  async revision(): Promise<number> {
    return this.mirror.revision;
  }

  /** etcd expires leases itself; the watch turns each expiry into a removal and a new revision. */
  async expire(): Promise<readonly RegistryInstance[]> {
    return [];
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async status(): Promise<StoreStatus> {
    return this.connection.status(this.kind, () =>
      this.client.kv.range({ key: Buffer.from(this.keys.lastDeletion), count_only: true }),
    );
  }

  async close(): Promise<void> {
    this.connection.close();
    this.listeners.clear();
    this.leases.close();
    await this.watch.close();
    this.client.close();
  }

  private async upsertOnce(registration: InstanceRegistration, id: string, mayRetry: boolean): Promise<UpsertResult> {
    const now = this.clock.now();
    const ttl = registration.ttlSeconds;
    const entry = this.mirror.entry(id);
    if (entry !== undefined) {
      if (entry.instance.name !== registration.name) {
        throw new InstanceNameConflictError(id, entry.instance.name, registration.name);
      }
      const same = sameFields(entry.instance, registration);
      const leaseAlive = (same || entry.instance.ttlSeconds === ttl) && (await this.leases.keepAlive(entry.lease)) > 0;
      if (same && leaseAlive) {
        this.mirror.heartbeat(id, new Date(now).toISOString());
        return { instance: entry.instance, created: false, changed: false, revision: this.mirror.revision };
      }
      if (leaseAlive || entry.instance.ttlSeconds !== ttl) return this.update(entry, registration, now);
      // The lease ran out just before this renewal: register anew (the watch will report the deletion).
    }
    const lease = await this.grant(ttl);
    const key = this.keys.instance(registration.name, id);
    const instance = toInstance(registration, id, new Date(now).toISOString(), now);
    const answer = await this.client.kv.txn({
      compare: [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(JSON.stringify(instance)), lease } }],
      failure: [{ request_range: { key: Buffer.from(key) } }],
    });
    const revision = Number(answer.header.revision);
    if (!answer.succeeded) {
      // Registered through another replica a moment ago: once our mirror has it, this is a renewal.
      void this.client.leaseClient.leaseRevoke({ ID: lease }).catch(() => undefined);
      await this.settle(revision);
      if (mayRetry) return this.upsertOnce(registration, id, false);
    } else {
      await this.settle(revision);
    }
    return { instance: this.mirror.entry(id)?.instance ?? instance, created: true, changed: false, revision };
  }

  /** A changed registration: a put on the same lease (a new one when the TTL changed). */
  private async update(entry: MirrorEntry, registration: InstanceRegistration, now: number): Promise<UpsertResult> {
    const sameTtl = entry.instance.ttlSeconds === registration.ttlSeconds;
    const lease = sameTtl ? entry.lease : await this.grant(registration.ttlSeconds);
    const instance = toInstance(registration, entry.instance.id, entry.instance.registeredAt, now);
    const answer = await this.client.kv.put({
      key: Buffer.from(this.keys.instance(registration.name, instance.id)),
      value: Buffer.from(JSON.stringify(instance)),
      lease,
    });
    if (!sameTtl) void this.client.leaseClient.leaseRevoke({ ID: entry.lease }).catch(() => undefined);
    const revision = Number(answer.header.revision);
    await this.settle(revision);
    return { instance: this.mirror.entry(instance.id)?.instance ?? instance, created: false, changed: true, revision };
  }

  private async grant(ttlSeconds: number): Promise<string> {
    return String((await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds })).ID);
  }

  /** Waits until the watch has applied our own write, so this replica reads it (and announces it) at once. */
  private async settle(revision: number): Promise<void> {
    if (!(await this.mirror.waitFor(revision, MIRROR_WAIT_MS))) {
      this.logger.warn(`The etcd watch has not delivered revision ${revision} within ${MIRROR_WAIT_MS} ms`);
    }
  }

  private announce(): void {
    const revision = this.mirror.revision;
    for (const listener of this.listeners) listener(revision);
  }
}
