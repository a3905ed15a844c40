import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Path of a contract in the repo's proto/ folder: beside the bundle in a build (the webpack hook
 * copies it to dist/apps/<app>/proto), else the repo's own (ts-node, tests).
 */
export function protoFile(name: string): string {
  const candidates = [join(__dirname, 'proto', name), join(__dirname, '..', '..', '..', '..', 'proto', name)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}
