import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh empty directory under the OS temp dir. */
export function tmpDir(prefix = 'discovery-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
