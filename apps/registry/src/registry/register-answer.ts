import { RegistryInstance } from './instance.entity';

/** An instance's JSON around its `lastHeartbeat` value: `before + JSON.stringify(lastHeartbeat) + after`. */
type Split = readonly [before: string, after: string];

// Stored instances are replaced on every change but `lastHeartbeat`, which a plain renewal updates in place:
// so the rest of an instance's JSON is a function of the object, kept as long as the object lives.
const splits = new WeakMap<RegistryInstance, Split | null>();
const MARK = '\u0000heartbeat\u0000';
const QUOTED_MARK = JSON.stringify(MARK);

function split(instance: RegistryInstance): Split {
  let parts = splits.get(instance);
  if (parts == null) {
    const json = JSON.stringify({ ...instance, lastHeartbeat: MARK });
    const at = json.indexOf(QUOTED_MARK);
    parts = [json.slice(0, at), json.slice(at + QUOTED_MARK.length)];
    splits.set(instance, parts);
  }
  return parts;
}

/**
 * The JSON of a stored instance, serialized once per object: a renewal answers its instance with only
 * the new heartbeat spliced in. An object's first answer (a new registration's, most of which a churn
 * never renews before it ends) is one plain JSON.stringify; it is split at its second. @internal
 */
export function instanceJson(instance: RegistryInstance): string {
  if (!splits.has(instance)) {
    splits.set(instance, null);
    return JSON.stringify(instance);
  }
  const [before, after] = split(instance);
  return `${before}"${instance.lastHeartbeat}"${after}`;
}

/**
 * The body of a register answer: `{ instance, revision }`, and `services` (the JSON of the service map at
 * `revision`, as bytes: a large registry's is tens of MB, spliced in without a string copy) when given. @internal
 */
export function registerAnswer(instance: RegistryInstance, revision: number): string;
export function registerAnswer(instance: RegistryInstance, revision: number, services: Buffer): Buffer;
export function registerAnswer(instance: RegistryInstance, revision: number, services?: Buffer): string | Buffer {
  const head = `{"instance":${instanceJson(instance)},"revision":${revision}`;
  return services === undefined ? `${head}}` : Buffer.concat([Buffer.from(`${head},"services":`), services, CLOSE]);
}

const CLOSE = Buffer.from('}');
