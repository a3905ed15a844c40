import { address, endpoints } from './instance.format';
import type { InstanceChange } from './state.diff';

/**
 * One line per change, as `watch` prints it after the time and revision:
 * `+ calc calc-3 127.0.0.1:8083 http grpc:50051 (passing) [v2]`, `- calc calc-1 127.0.0.1:8081`,
 * `~ calc calc-2 weight 5 → 9`.
 * @internal
 */
export function describeChange(change: InstanceChange): string {
  const { instance } = change;
  const who = `${instance.name} ${instance.id}`;
  if (change.change === 'added') {
    const named = endpoints(instance);
    const tags = instance.tags.length ? ` [${instance.tags.join(',')}]` : '';
    return `+ ${who} ${address(instance)} ${instance.protocol}${named.length ? ` ${named.join(' ')}` : ''}${tags}`;
  }
  if (change.change === 'removed') return `- ${who} ${address(instance)}`;
  const what = change.fields.map(({ field, from, to }) => `${field} ${json(from)} → ${json(to)}`);
  return `~ ${who} ${what.join(', ')}`;
}

/** A value as JSON; `-` for a field that is absent on one side. */
function json(value: unknown): string {
  return JSON.stringify(value) ?? '-';
}
