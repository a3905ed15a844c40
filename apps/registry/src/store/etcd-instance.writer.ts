import type { Etcd3, ICompare, IRequestOp, IResponseOp } from 'etcd3';
import { Clock } from '../clock';
import { InstanceNameConflictError } from '../errors/instance-name-conflict.error';
import { StoreUnavailableError } from '../errors/store-unavailable.error';
import { InstanceRegistration } from '../registry/instance.entity';
import { controlJson, served } from './etcd-control';
import { EtcdKeys } from './etcd-instances.watch';
import { EtcdLeaseKeeper } from './etcd-lease.keeper';
import { EtcdMirror, MirrorEntry } from './etcd.mirror';
import { sameFields, toInstance } from './instance.fields';
import { UpsertResult } from './registry-store.interface';

/** Tries of a registration that keeps losing its compare-and-swap to other writers. */
const ATTEMPTS = 3;

/**
 * Registers and renews instances for {@link EtcdRegistryStore.upsert}. A plain renewal is one
 * LeaseKeepAlive on the instance's lease and writes nothing; a new registration is a txn that creates
 * the key only while it is absent; a changed one is a compare-and-swap on the key's mod revision, so it
 * never lands on a lease that another replica just replaced. None of them writes the control key, except
 * to carry it to a new lease when the TTL changes: an instance's renewals cannot undo what the registry
 * decided about it. @internal
 */
export class EtcdInstanceWriter {
  constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly mirror: EtcdMirror,
    private readonly leases: EtcdLeaseKeeper,
    private readonly clock: Clock,
    /** Waits until the mirror has applied an etcd revision. */
    private readonly settle: (revision: number) => Promise<void>,
  ) {}

  /**
   * Registers `registration` under `id`, or renews it.
   * @throws InstanceNameConflictError when the id is registered under another name.
   */
  upsert(registration: InstanceRegistration, id: string): Promise<UpsertResult> {
    return this.once(registration, id, ATTEMPTS);
  }

  private async once(registration: InstanceRegistration, id: string, attempts: number): Promise<UpsertResult> {
    if (attempts === 0) throw new StoreUnavailableError('etcd', `${registration.name}/${id} kept changing during the write`);
    const now = this.clock.now();
    const entry = this.mirror.entry(id);
    if (entry !== undefined) {
      if (entry.registered.name !== registration.name) {
        throw new InstanceNameConflictError(id, entry.registered.name, registration.name);
      }
      // Against the instance as it registered: an operator's weight override is not the instance's change.
      const same = sameFields(entry.registered, registration);
      const sameTtl = entry.registered.ttlSeconds === registration.ttlSeconds;
      const leaseAlive = sameTtl && (await this.leases.keepAlive(entry.lease)) > 0;
      if (same && leaseAlive) {
        this.mirror.heartbeat(id, new Date(now).toISOString());
        return { instance: entry.instance, created: false, changed: false, revision: this.mirror.revision };
      }
      if (leaseAlive || !sameTtl) return this.update(entry, registration, now, attempts);
      // The lease ran out just before this renewal: register anew (the watch will report the deletion).
    }
    return this.create(registration, id, now, attempts);
  }

  /** A new registration: the key on a new lease, unless another replica created it first. */
  private async create(registration: InstanceRegistration, id: string, now: number, attempts: number): Promise<UpsertResult> {
    const lease = await this.grant(registration.ttlSeconds);
    const key = Buffer.from(this.keys.instance(registration.name, id));
    const instance = toInstance(registration, id, new Date(now).toISOString(), now);
    const answer = await this.client.kv.txn({
      compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [
        // A new registration starts passing and enabled, whatever a control key left behind said.
        { request_delete_range: { key: Buffer.from(this.keys.control(registration.name, id)) } },
        { request_put: { key, value: Buffer.from(JSON.stringify(instance)), lease } },
      ],
      failure: [{ request_range: { key } }],
    });
    if (!answer.succeeded) {
      // Registered through another replica a moment ago: once our mirror has it, this is a renewal.
      void this.client.leaseClient.leaseRevoke({ ID: lease }).catch(() => undefined);
      await this.catchUp(answer.responses);
      return this.once(registration, id, attempts - 1);
    }
    const revision = Number(answer.header.revision);
    await this.settle(revision);
    return { instance: this.mirror.entry(id)?.instance ?? instance, created: true, changed: false, revision };
  }

  /**
   * A changed registration: a put on the same lease, provided the key is still the one the mirror showed
   * (a new lease when the TTL changed, and the control key moves to it too, so both still die together).
   */
  private async update(entry: MirrorEntry, registration: InstanceRegistration, now: number, attempts: number): Promise<UpsertResult> {
    const id = entry.registered.id;
    const sameTtl = entry.registered.ttlSeconds === registration.ttlSeconds;
    const lease = sameTtl ? entry.lease : await this.grant(registration.ttlSeconds);
    const registered = toInstance(registration, id, entry.registered.registeredAt, now);
    const key = Buffer.from(this.keys.instance(registration.name, id));
    const controlKey = Buffer.from(this.keys.control(registration.name, id));
    const control = this.mirror.control(id);
    const compare: ICompare[] = [{ key, target: 'Mod', result: 'Equal', mod_revision: entry.modRevision }];
    const success: IRequestOp[] = [{ request_put: { key, value: Buffer.from(JSON.stringify(registered)), lease } }];
    if (!sameTtl) {
      compare.push({ key: controlKey, target: 'Mod', result: 'Equal', mod_revision: control?.modRevision ?? 0 });
      if (control) success.push({ request_put: { key: controlKey, value: Buffer.from(controlJson(control.control)), lease } });
    }
    const answer = await this.client.kv.txn({
      compare,
      success,
      failure: [{ request_range: { key } }, { request_range: { key: controlKey } }],
    });
    if (!answer.succeeded) {
      if (!sameTtl) void this.client.leaseClient.leaseRevoke({ ID: lease }).catch(() => undefined);
      // Gone meanwhile (expired, deregistered): this renewal registers it anew.
      if (answer.responses[0]?.response_range.kvs.length === 0) return this.create(registration, id, now, attempts - 1);
      await this.catchUp(answer.responses);
      return this.once(registration, id, attempts - 1);
    }
    if (!sameTtl) void this.client.leaseClient.leaseRevoke({ ID: entry.lease }).catch(() => undefined);
    const revision = Number(answer.header.revision);
    await this.settle(revision);
    const instance = this.mirror.entry(id)?.instance ?? served(registered, control?.control);
    return { instance, created: false, changed: true, revision };
  }

  private async grant(ttlSeconds: number): Promise<string> {
    return String((await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds })).ID);
  }

  /**
   * After a lost compare-and-swap: waits until the mirror shows the keys as the failed txn read them (their
   * own mod revisions — the txn's header revision may be another prefix's write, which no watch of ours delivers).
   */
  private async catchUp(responses: readonly IResponseOp[]): Promise<void> {
    const revisions = responses.flatMap((response) => response.response_range?.kvs.map((kv) => Number(kv.mod_revision)) ?? []);
    if (revisions.length > 0) await this.settle(Math.max(...revisions));
  }
}
