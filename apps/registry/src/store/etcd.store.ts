import { Logger } from '@nestjs/common';
import { ExponentialBackoff, handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';
import { Clock, systemClock } from '../clock';
import {
  HealthUpdate,
  InstancePatch,
  InstanceRegistration,
  RegistryInstance,
  RegistryState,
} from '../registry/instance.entity';
import { EtcdChecksLeader } from './etcd-checks.leader';
import { countedRevision } from './etcd-control';
import { EtcdControlWriter } from './etcd-control.writer';
import { EtcdInstanceWriter } from './etcd-instance.writer';
import { EtcdLeaseKeeper } from './etcd-lease.keeper';
import { EtcdInstancesWatch, EtcdKeys } from './etcd-instances.watch';
import { EtcdMirror } from './etcd.mirror';
import { randomInstanceId } from './instance.id';
import { applyHealth, controlOf, InstanceControl, patchOverrides, sameOverrides } from './instance.fields';
import { ChangeListener, RegistryStore, StoreCensus, StoreStatus, UpsertResult } from './registry-store.interface';
import { closeStep, RemoteStoreConnection, RemoteStoreOptions } from './remote-store.connection';
import { StoreLocation } from './store-location';

/** How long a write waits for the watch to bring this replica's mirror to the write's revision. */
const MIRROR_WAIT_MS = 2000;
/** Deadline of every unary etcd call. */
const CALL_DEADLINE_MS = 2000;

type EtcdLocation = Extract<StoreLocation, { kind: 'etcd' }>;

/**
 * The registry's state in etcd, shared by every replica pointed at the same cluster and prefix.
 * Instances live at `<prefix>/instances/<name>/<id>` as they registered, each attached to its own lease
 * whose TTL is the instance's: a plain renewal is one LeaseKeepAlive message and writes nothing (so
 * etcd's revision does not move); a changed registration is a compare-and-swap put on the same lease;
 * expiry is etcd revoking the lease, which deletes the key. What the registry decides about an instance
 * — its health and an operator's overrides — lives beside it at `<prefix>/control/<name>/<id>`, on the
 * same lease (so it dies with the instance), written only by `patch` and `setHealth`: the instance's
 * renewals never touch it, so they cannot undo it.
 *
 * Every replica watches the prefix into an {@link EtcdMirror} that serves reads (instance and control
 * merged) and whose revision — etcd's revision of the last change that counts — is the registry's
 * revision, the same on every replica. `<prefix>/revision` remembers the revision of the last deletion,
 * so a replica started later still reports the same revision as the others. `<prefix>/checks-leader`
 * names the replica that runs the health checks.
 *
 * No `expiryPressure`: etcd expires leases itself, and the registry cannot hold them back.
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
  private readonly instances: EtcdInstanceWriter;
  private readonly controls: EtcdControlWriter;
  private readonly checksLeader: EtcdChecksLeader;

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
    const settle = (revision: number): Promise<void> => this.settle(revision);
    this.instances = new EtcdInstanceWriter(this.client, this.keys, this.mirror, this.leases, clock, settle);
    this.controls = new EtcdControlWriter(this.client, this.keys, this.mirror, settle);
    this.checksLeader = new EtcdChecksLeader(this.client, this.leases, this.keys.checksLeader);
  }

  async upsert(registration: InstanceRegistration): Promise<UpsertResult> {
    const id = registration.id ?? randomInstanceId(registration.name);
    return this.connection.call(() => this.instances.upsert(registration, id));
  }

  async patch(name: string, id: string, patch: InstancePatch): Promise<RegistryInstance | undefined> {
    return this.connection.call(() =>
      this.controls.write(name, id, ({ instance }) => {
        const overrides = patchOverrides(instance.overrides, patch);
        return sameOverrides(instance.overrides, overrides) ? undefined : { ...controlOf(instance), overrides };
      }),
    );
  }

  async setHealth(name: string, id: string, update: HealthUpdate): Promise<RegistryInstance | undefined> {
    const now = new Date(this.clock.now()).toISOString();
    return this.connection.call(() =>
      this.controls.write(name, id, ({ instance, control, controlRevision }) => {
        const [next, changed] = applyHealth(controlOf(instance), update, now);
        if (changed) return next;
        if (outputOf(next, update.endpoint) === outputOf(instance, update.endpoint)) return undefined;
        // A new probe output alone: stored, but no new revision (see StoredControl.quiet).
        return { ...next, quiet: control === undefined ? 0 : countedRevision(control, controlRevision) };
      }),
    );
  }

  async claimCheckLeadership(owner: string, ttlMs: number): Promise<boolean> {
    return this.connection.call(() => this.checksLeader.claim(owner, ttlMs));
  }

  async deregister(name: string, id: string): Promise<boolean> {
    const entry = this.mirror.entry(id);
    if (entry !== undefined && entry.instance.name !== name) return false;
    const key = this.keys.instance(name, id);
    this.watch.ownDeletes.add(key);
    const answer = await this.connection
      .call(() =>
        this.client.kv.txn({
          compare: [],
          success: [
            { request_delete_range: { key: Buffer.from(key) } },
            { request_delete_range: { key: Buffer.from(this.keys.control(name, id)) } },
          ],
          failure: [],
        }),
      )
      .catch((error: unknown) => {
        this.watch.ownDeletes.delete(key);
        throw error;
      });
    if (Number(answer.responses[0]?.response_delete_range.deleted ?? 0) === 0) {
      this.watch.ownDeletes.delete(key);
      return false;
    }
    const revision = Number(answer.header.revision);
    await this.settle(revision);
    await this.watch.rememberDeletion(revision);
    // The keys are gone already; revoking only frees the lease early.
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

  async census(name: string, id: string | undefined): Promise<StoreCensus> {
    return this.mirror.census(name, id);
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
    // Let another replica take the checks over now rather than when the lease runs out.
    await closeStep(this.checksLeader.release());
    this.leases.close();
    await closeStep(this.watch.close());
    this.client.close();
  }

  /** Waits until the watch has applied our own write, so this replica reads it (and announces it) at once. */
  private async settle(revision: number): Promise<void> {
    if (!(await this.mirror.waitFor(revision, MIRROR_WAIT_MS))) {
      this.logger.warn(`The etcd watch has not delivered revision ${revision} within ${MIRROR_WAIT_MS} ms`);
    }
  }

  private announce(): void {
    const revision = this.mirror.revision;
    const changes = this.mirror.takeChanges();
    for (const listener of this.listeners) listener(revision, changes);
  }
}

/** The probe output a control holds for the primary check, or for `endpoint`'s. */
function outputOf(control: InstanceControl, endpoint: string | undefined): string | undefined {
  return endpoint === undefined ? control.checkOutput : control.endpointHealth?.[endpoint]?.checkOutput;
}
