import type { IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse, LeaseClient } from 'etcd3';

type KeepAliveStream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

interface Pending {
  resolve(ttl: number): void;
  reject(error: Error): void;
}

/** How long one keep-alive may wait for etcd's answer. */
const KEEP_ALIVE_TIMEOUT_MS = 2000;

/**
 * Renews leases by id over one long-lived LeaseKeepAlive stream: a renewal is one message each way on
 * an open HTTP/2 stream, and works for a lease any replica granted (etcd3's `Lease` objects only renew
 * leases they granted themselves, and open a stream per `keepaliveOnce`). etcd answers a stream's
 * requests in order, each answer carrying its lease id. @internal
 */
export class EtcdLeaseKeeper {
  private stream: Promise<KeepAliveStream> | undefined;
  private readonly pending = new Map<string, Pending[]>();

  constructor(private readonly leases: LeaseClient) {}

  /** Renews lease `id`; resolves with its TTL in seconds — 0 when the lease is gone (expired or revoked). */
  async keepAlive(id: string): Promise<number> {
    const stream = await this.open();
    return new Promise<number>((resolve, reject) => {
      const queue = this.pending.get(id) ?? [];
      this.pending.set(id, queue);
      const waiter: Pending = {
        resolve: (ttl) => {
          clearTimeout(timer);
          resolve(ttl);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        // An answer may still come for it: restart the stream so answers and requests stay paired.
        this.fail(new Error(`lease keep-alive got no answer within ${KEEP_ALIVE_TIMEOUT_MS} ms`));
        reject(new Error(`lease keep-alive got no answer within ${KEEP_ALIVE_TIMEOUT_MS} ms`));
      }, KEEP_ALIVE_TIMEOUT_MS);
      timer.unref();
      queue.push(waiter);
      stream.write({ ID: id });
    });
  }

  close(): void {
    const stream = this.stream;
    this.fail(new Error('closed'));
    void stream?.then((open) => open.end()).catch(() => undefined);
  }

  private open(): Promise<KeepAliveStream> {
    if (this.stream === undefined) {
      const opening = this.leases.leaseKeepAlive().then((stream) => {
        stream.on('data', (answer: ILeaseKeepAliveResponse) => {
          const queue = this.pending.get(String(answer.ID));
          const waiter = queue?.shift();
          if (queue?.length === 0) this.pending.delete(String(answer.ID));
          waiter?.resolve(Number(answer.TTL));
        });
        stream.on('error', (error: Error) => this.stream === opening && this.fail(error));
        stream.on('end', () => this.stream === opening && this.fail(new Error('lease keep-alive stream ended')));
        return stream;
      });
      opening.catch(() => {
        if (this.stream === opening) this.stream = undefined;
      });
      this.stream = opening;
    }
    return this.stream;
  }

  /** Drops the stream and rejects everything waiting on it; the next renewal opens a new one. */
  private fail(error: Error): void {
    const stream = this.stream;
    this.stream = undefined;
    void stream?.then((open) => open.end()).catch(() => undefined);
    const waiting = [...this.pending.values()].flat();
    this.pending.clear();
    for (const waiter of waiting) waiter.reject(error);
  }
}
