import Redis from 'ioredis';
import { RegistryInstance } from '../registry/instance.entity';
import { InstanceControl } from './instance.fields';
import { controlJson, parseControl, withControlJson } from './instance.json';
import { READ_CONTROL_SCRIPT, WRITE_CONTROL_SCRIPT } from './redis-control.scripts';
import { RemoteStoreConnection } from './remote-store.connection';

/** The instance's stored JSON and its control (`''`: none); [] when it is gone. */
type ReadReply = [] | [json: string, control: string];
type WriteReply = [] | [code: 1 | -1, revision: number, json: string, control: string, message?: string];

interface ControlCommands {
  registryReadControl(...keysAndArgs: string[]): Promise<ReadReply>;
  registryWriteControl(...keysAndArgs: string[]): Promise<WriteReply>;
}

/** What a caller decided from the control as stored: the next one, and whether clients must hear of it. */
export interface ControlDecision {
  control: InstanceControl;
  /** True: bump the revision and wake every replica's watchers. */
  announce: boolean;
}

/** What an update wrote; `message` (the change message published) is set when it was announced. */
export interface ControlUpdate {
  instance: RegistryInstance;
  message?: string;
}

/** A conflict needs another replica writing the same instance's control in between; more than a few is a bug. */
const MAX_ATTEMPTS = 10;

/**
 * Read-decide-write of an instance's control in the Redis store. The decision is made in JS by the shared
 * helpers (so every store decides alike) and written by a compare-and-set script: when a renewal that
 * re-registered the id, a patch or a health update got there first, it decides again from what the script
 * saw, without another read. Two round trips when nothing races, never a lost update. @internal
 */
export class RedisControlWriter {
  private readonly client: Redis & ControlCommands;

  constructor(
    client: Redis,
    private readonly connection: RemoteStoreConnection,
    private readonly prefix: string,
    private readonly channel: string,
  ) {
    this.client = client as Redis & ControlCommands;
    this.client.defineCommand('registryReadControl', { numberOfKeys: 2, lua: READ_CONTROL_SCRIPT });
    this.client.defineCommand('registryWriteControl', { numberOfKeys: 3, lua: WRITE_CONTROL_SCRIPT });
  }

  /**
   * Applies `decide` to `name`'s instance `id`; undefined when it is gone (it is never re-created).
   * `decide` answers undefined when nothing is to change.
   */
  async update(
    name: string,
    id: string,
    decide: (control: InstanceControl) => ControlDecision | undefined,
  ): Promise<ControlUpdate | undefined> {
    const keys = [`${this.prefix}:instance:${id}`, `${this.prefix}:control:${name}`];
    let seen: ReadReply = await this.connection.call(() => this.client.registryReadControl(...keys, name, id));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (seen.length === 0) return undefined;
      const [json, stored] = seen;
      const instance = JSON.parse(withControlJson(json, stored)) as RegistryInstance;
      const decision = decide(parseControl(stored));
      const next = decision === undefined ? stored : controlJson(decision.control);
      if (decision === undefined || next === stored) return { instance };
      const written: WriteReply = await this.connection.call(() =>
        this.client.registryWriteControl(
          ...keys,
          `${this.prefix}:revision`,
          name,
          id,
          instance.registeredAt,
          stored,
          next,
          decision.announce ? '1' : '0',
          this.channel,
        ),
      );
      if (written.length === 0) return undefined;
      const [code, , current, control, message] = written;
      if (code === 1) {
        const instance = JSON.parse(withControlJson(current, control)) as RegistryInstance;
        return { instance, message };
      }
      seen = [current, control];
    }
    throw new Error(`The control of ${name}/${id} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
  }
}
