import { randomBytes } from 'node:crypto';

/** An id for an instance registered without one: `<name>-<12 hex digits>`. @internal */
export function randomInstanceId(name: string): string {
  return `${name}-${randomBytes(6).toString('hex')}`;
}
