import { isRoutable, RegistryInstance } from '../registry/instance.entity';
import { withControlJson } from './instance.json';
import { InstanceChange, InstancePresence } from './registry-store.interface';

/**
 * Lua helpers every Redis script that bumps the revision shares: it notes each instance it changed with
 * `changed(name, id, beforeControl, afterJson, afterControl)` (`beforeControl` false: the instance was not
 * listed; `afterJson` false: it is gone) and ends with `publish(channel, revision)`, which publishes and
 * returns the change message. So the change feed says what each revision changed, in the order Redis ran
 * the scripts, and every replica — the writer included, which reads the message from the script's reply —
 * hands its change log the same deltas.
 *
 * The message is the revision, then one line per change, fields separated by tabs: name, id, `a` (was
 * absent) or `p` + the control it had, its stored JSON after (empty: gone), its control after. JSON escapes
 * tabs and newlines, and names and ids match patterns without either. @internal
 */
export const CHANGE_MESSAGE_LUA = `
local changes = {}
local function changed(name, id, beforeControl, afterJson, afterControl)
  local before = 'a'
  if beforeControl then before = 'p' .. beforeControl end
  changes[#changes + 1] = name .. '\\t' .. id .. '\\t' .. before .. '\\t' .. (afterJson or '') .. '\\t' .. (afterControl or '')
end
local function publish(channel, revision)
  local message = tostring(revision)
  if #changes > 0 then message = message .. '\\n' .. table.concat(changes, '\\n') end
  redis.call('PUBLISH', channel, message)
  return message
end
`;

/** A change message read back: its revision, and its changes (undefined: a message without them, from an older registry). @internal */
export interface ChangeMessage {
  revision: number;
  changes: InstanceChange[] | undefined;
}

/** Parses a message {@link CHANGE_MESSAGE_LUA} published. @internal */
export function parseChangeMessage(message: string): ChangeMessage {
  const lines = message.split('\n');
  const revision = Number(lines[0]);
  if (lines.length === 1) return { revision, changes: undefined };
  const changes: InstanceChange[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [service, id, before, afterJson, afterControl] = lines[i].split('\t');
    const after = afterJson === '' ? undefined : (JSON.parse(withControlJson(afterJson, afterControl)) as RegistryInstance);
    changes.push({ service, id, before: presenceOf(before), after });
  }
  return { revision, changes };
}

/** `a`, or `p` + the control the instance had (its stored JSON holds the defaults: passing, enabled). */
function presenceOf(before: string): InstancePresence {
  if (before === 'a') return 'absent';
  const control = before.slice(1);
  if (control === '') return 'routable';
  return isRoutable(JSON.parse(control) as RegistryInstance) ? 'routable' : 'unroutable';
}
