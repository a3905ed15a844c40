import type { Etcd3, IKeyValue } from 'etcd3';
import { StoreUnavailableError } from '../errors/store-unavailable.error';
import { RegistryInstance } from '../registry/instance.entity';
import { controlJson, served, StoredControl } from './etcd-control';
import { EtcdKeys } from './etcd-instances.watch';
import { EtcdMirror } from './etcd.mirror';

/** What a control write starts from: an instance key and its control key, as the mirror or etcd showed them. @internal */
export interface ControlBase {
  /** The instance as served now. */
  instance: RegistryInstance;
  control?: StoredControl;
  /** The control key's mod revision; 0 when there is none yet (what etcd compares an absent key's as). */
  controlRevision: number;
}

/** What to store given `base`, or undefined when there is nothing to write. @internal */
export type ControlDecision = (base: ControlBase) => StoredControl | undefined;

interface Versioned extends ControlBase {
  registered: RegistryInstance;
  lease: string;
  instanceRevision: number;
}

/** Tries before a write that keeps losing its race gives up (503, which the caller retries). */
const ATTEMPTS = 5;

/**
 * Writes instances' control keys for {@link EtcdRegistryStore.patch} and `setHealth`: a compare-and-swap
 * on both keys' mod revisions, so the write lands on the instance's current lease, never re-creates an
 * instance that is gone, and never overwrites a concurrent write of another replica (an operator's patch
 * and a health update at the same moment both take effect). On a lost race it decides again from what
 * etcd answered — not from the mirror, which may not have caught up yet; and an instance the mirror does
 * not show yet (registered through another replica a moment ago) is looked up in etcd before it is
 * called gone. @internal
 */
export class EtcdControlWriter {
  constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly mirror: EtcdMirror,
    /** Waits until the mirror has applied an etcd revision. */
    private readonly settle: (revision: number) => Promise<void>,
  ) {}

  /** Applies `decide` to instance `name`/`id`; the instance as served after it, or undefined when it is gone. */
  async write(name: string, id: string, decide: ControlDecision): Promise<RegistryInstance | undefined> {
    const instanceKey = Buffer.from(this.keys.instance(name, id));
    const controlKey = Buffer.from(this.keys.control(name, id));
    let base = this.fromMirror(name, id) ?? (await this.fromEtcd(instanceKey, controlKey));
    for (let attempt = 0; base !== undefined; attempt++) {
      const next = decide(base);
      if (next === undefined) return base.instance;
      if (attempt === ATTEMPTS) throw new StoreUnavailableError('etcd', `${name}/${id} kept changing during the write`);
      const answer = await this.client.kv.txn({
        compare: [
          { key: instanceKey, target: 'Mod', result: 'Equal', mod_revision: base.instanceRevision },
          { key: controlKey, target: 'Mod', result: 'Equal', mod_revision: base.controlRevision },
        ],
        success: [{ request_put: { key: controlKey, value: Buffer.from(controlJson(next)), lease: base.lease } }],
        failure: [{ request_range: { key: instanceKey } }, { request_range: { key: controlKey } }],
      });
      if (answer.succeeded) {
        await this.settle(Number(answer.header.revision));
        return this.mirror.entry(id)?.instance ?? served(base.registered, next);
      }
      base = fromKeys(answer.responses[0]?.response_range.kvs[0], answer.responses[1]?.response_range.kvs[0]);
    }
    return undefined;
  }

  /** Both keys as etcd holds them now (one txn: one revision). */
  private async fromEtcd(instanceKey: Buffer, controlKey: Buffer): Promise<Versioned | undefined> {
    const answer = await this.client.kv.txn({
      compare: [],
      success: [{ request_range: { key: instanceKey } }, { request_range: { key: controlKey } }],
      failure: [],
    });
    return fromKeys(answer.responses[0]?.response_range.kvs[0], answer.responses[1]?.response_range.kvs[0]);
  }

  private fromMirror(name: string, id: string): Versioned | undefined {
    const entry = this.mirror.entry(id);
    if (entry === undefined || entry.registered.name !== name) return undefined;
    const control = this.mirror.control(id);
    return {
      instance: entry.instance,
      registered: entry.registered,
      lease: entry.lease,
      instanceRevision: entry.modRevision,
      control: control?.control,
      controlRevision: control?.modRevision ?? 0,
    };
  }
}

function fromKeys(instanceKv: IKeyValue | undefined, controlKv: IKeyValue | undefined): Versioned | undefined {
  if (instanceKv === undefined) return undefined;
  const registered = JSON.parse(instanceKv.value.toString()) as RegistryInstance;
  const control = controlKv === undefined ? undefined : (JSON.parse(controlKv.value.toString()) as StoredControl);
  return {
    instance: served(registered, control),
    registered,
    lease: String(instanceKv.lease),
    instanceRevision: Number(instanceKv.mod_revision),
    control,
    controlRevision: controlKv === undefined ? 0 : Number(controlKv.mod_revision),
  };
}
