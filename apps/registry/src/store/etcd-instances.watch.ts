import { Logger } from '@nestjs/common';
import { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import { EtcdMirror, MirrorEvent } from './etcd.mirror';
import { RemoteStoreConnection } from './remote-store.connection';

/**
 * The etcd keys of one registry: instances under `<prefix>/instances/`, their control keys under
 * `<prefix>/control/`, the last deletion's revision and the health checks' leader beside them. @internal
 */
export class EtcdKeys {
  readonly root: string;
  readonly instances: string;
  readonly controls: string;
  readonly lastDeletion: string;
  readonly checksLeader: string;

  constructor(prefix: string) {
    this.root = `${prefix}/`;
    this.instances = `${prefix}/instances/`;
    this.controls = `${prefix}/control/`;
    this.lastDeletion = `${prefix}/revision`;
    this.checksLeader = `${prefix}/checks-leader`;
  }

  instance(name: string, id: string): string {
    return `${this.instances}${name}/${id}`;
  }

  control(name: string, id: string): string {
    return `${this.controls}${name}/${id}`;
  }
}

/**
 * Keeps an {@link EtcdMirror} equal to what etcd holds under the registry's prefix (instances and their
 * control keys; the other keys there are skipped): one full read, then a watch from just after it (etcd3
 * resumes it from its last revision after a disconnection; a watch that cannot resume — its revision was
 * compacted — triggers a full read again). Deletions not made through this replica (lease expiries, other
 * replicas) are logged, and the latest deletion's revision is recorded so a replica started later reports
 * the same revision. @internal
 */
export class EtcdInstancesWatch {
  private readonly logger = new Logger('Store');
  private watcher: Watcher | undefined;
  /** Keys this replica deleted itself: not reported as expiries. */
  readonly ownDeletes = new Set<string>();

  constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly mirror: EtcdMirror,
    private readonly connection: RemoteStoreConnection,
    /** Called after the mirror's revision changed. */
    private readonly changed: () => void,
  ) {}

  /** Reads every key under the prefix at one revision, then watches from just after that read. */
  async load(): Promise<void> {
    // One range, not one per kind of key: the watch resumes after a single revision.
    const range = await this.client.kv.range({
      key: Buffer.from(this.keys.root),
      range_end: prefixEnd(this.keys.root),
      sort_target: 'Create',
      sort_order: 'Ascend',
    });
    const events = range.kvs.map((kv) => this.toEvent('put', kv)).filter((event) => event !== undefined);
    const marker = range.kvs.find((kv) => kv.key.toString() === this.keys.lastDeletion);
    const lastDeletion = Number(marker?.value.toString() ?? 0) || 0;
    const readAt = Number(range.header.revision);
    const before = this.mirror.revision;
    this.mirror.reset(events, lastDeletion, readAt);
    if (this.mirror.revision !== before) this.changed();
    await this.watcher?.cancel().catch(() => undefined);
    const watcher = await this.client
      .watch()
      .prefix(this.keys.root)
      .startRevision(String(readAt + 1))
      .create();
    watcher.on('data', (response: IWatchResponse) => this.onWatch(response));
    watcher.on('disconnected', (error: Error) => this.connection.lost(`watch: ${error.message}`));
    watcher.on('connected', () => this.connection.restored());
    watcher.on('error', (error: Error) => {
      this.logger.warn(`etcd watch failed (${error.message}); reading everything again`);
      if (this.watcher === watcher) void this.load().catch((cause: Error) => this.connection.lost(cause.message));
    });
    this.watcher = watcher;
  }

  async close(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.cancel().catch(() => undefined);
  }

  /** Records `revision` as the latest deletion's (zero-padded: etcd compares values as strings) unless a later one is there. */
  async rememberDeletion(revision: number): Promise<void> {
    const key = Buffer.from(this.keys.lastDeletion);
    const value = Buffer.from(String(revision).padStart(20, '0'));
    await this.client.kv
      .txn({
        compare: [{ key, target: 'Value', result: 'Less', value }],
        success: [{ request_put: { key, value } }],
        failure: [{ request_range: { key, count_only: true } }],
      })
      .then(async (answer) => {
        const missing = !answer.succeeded && Number(answer.responses[0]?.response_range?.count ?? 0) === 0;
        if (missing) await this.client.kv.put({ key, value });
      })
      .catch(() => undefined);
  }

  private onWatch(response: IWatchResponse): void {
    const events = response.events
      .map((event) => this.toEvent(event.type === 'Put' ? 'put' : 'delete', event.kv))
      .filter((event) => event !== undefined);
    if (events.length === 0) return;
    const before = this.mirror.revision;
    const removed = this.mirror.apply(events);
    // Our own deregistrations record their revision themselves; the others are logged and recorded here.
    const foreign = events.filter(
      (event) =>
        event.key === 'instance' && event.type === 'delete' && !this.ownDeletes.delete(this.keys.instance(event.name, event.id)),
    );
    for (const event of foreign) {
      const gone = removed.find((instance) => instance.id === event.id);
      const where = gone ? ` (${gone.host}:${gone.port})` : '';
      this.logger.log(`Removed ${event.name}/${event.id}${where}: lease expired, or deregistered through another replica`);
    }
    if (foreign.length > 0) void this.rememberDeletion(Math.max(...foreign.map((event) => event.revision)));
    if (this.mirror.revision !== before) this.changed();
  }

  /** The mirror's event for an instance or control key; undefined for the other keys under the prefix. */
  private toEvent(type: 'put' | 'delete', kv: IKeyValue): MirrorEvent | undefined {
    const fullKey = kv.key.toString();
    const key = fullKey.startsWith(this.keys.instances) ? 'instance' : fullKey.startsWith(this.keys.controls) ? 'control' : undefined;
    if (key === undefined) return undefined;
    const path = fullKey.slice(key === 'instance' ? this.keys.instances.length : this.keys.controls.length);
    const slash = path.indexOf('/');
    if (slash <= 0) return undefined;
    return {
      type,
      key,
      name: path.slice(0, slash),
      id: path.slice(slash + 1),
      revision: Number(kv.mod_revision),
      ...(type === 'put' && { value: kv.value.toString(), lease: String(kv.lease) }),
    };
  }
}

/** The end of etcd's range for every key starting with `prefix` (the prefix with its last byte + 1). */
function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1] += 1;
  return end;
}
