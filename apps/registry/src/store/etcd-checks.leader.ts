import type { Etcd3 } from 'etcd3';
import { EtcdLeaseKeeper } from './etcd-lease.keeper';

/**
 * Leadership of the health checks among the replicas sharing an etcd prefix: whoever created
 * `<prefix>/checks-leader` (a txn that only succeeds while the key is absent) holds it, on a lease of
 * its own that it keeps alive with every claim. When the holder stops claiming — it died, or lost etcd
 * — the lease runs out, etcd deletes the key and the next claim of another replica takes it.
 *
 * A claim costs one round trip: a LeaseKeepAlive for the holder, a read for the others (a lease is
 * granted only when the key is absent). @internal
 */
export class EtcdChecksLeader {
  private held: { owner: string; lease: string } | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly leases: EtcdLeaseKeeper,
    private readonly key: string,
  ) {}

  /** True when `owner` holds the leadership for the next `ttlMs` (renewed, or just taken). */
  async claim(owner: string, ttlMs: number): Promise<boolean> {
    if (this.held?.owner === owner) {
      if ((await this.leases.keepAlive(this.held.lease)) > 0) return true;
      this.held = undefined;
    }
    const key = Buffer.from(this.key);
    const [current] = (await this.client.kv.range({ key })).kvs;
    if (current !== undefined) return this.adoptIfOurs(owner, current.value.toString(), String(current.lease));
    // etcd rounds a lease's TTL up to whole seconds (and to its own minimum, ~2 s).
    const lease = String((await this.client.leaseClient.leaseGrant({ TTL: Math.max(1, Math.ceil(ttlMs / 1000)) })).ID);
    const answer = await this.client.kv.txn({
      compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key, value: Buffer.from(owner), lease } }],
      failure: [{ request_range: { key } }],
    });
    if (answer.succeeded) {
      this.held = { owner, lease };
      return true;
    }
    // Another replica took it between our read and our txn.
    void this.client.leaseClient.leaseRevoke({ ID: lease }).catch(() => undefined);
    const winner = answer.responses[0]?.response_range?.kvs[0];
    return winner !== undefined && this.adoptIfOurs(owner, winner.value.toString(), String(winner.lease));
  }

  /** Gives the leadership up at once (shutdown), rather than letting another replica wait for the lease to run out. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await this.client.leaseClient.leaseRevoke({ ID: held.lease }).catch(() => undefined);
  }

  /**
   * The key names `owner` although we hold no lease for it (a keep-alive's answer was lost, say): it is
   * ours while its lease lives.
   */
  private async adoptIfOurs(owner: string, holder: string, lease: string): Promise<boolean> {
    if (holder !== owner) return false;
    if ((await this.leases.keepAlive(lease)) <= 0) return false;
    this.held = { owner, lease };
    return true;
  }
}
