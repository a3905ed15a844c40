import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('proto/generated', () => {
  it('matches proto/calc.proto (run `npm run proto:types` after changing the contract)', () => {
    const out = mkdtempSync(join(tmpdir(), 'proto-types-'));
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['proto:types'] as string;
    const args = script.split(/\s+/).slice(1).map((arg) => (arg === 'proto/generated' ? out : arg));
    execFileSync(join(ROOT, 'node_modules', '.bin', 'proto-loader-gen-types'), args, { cwd: ROOT, stdio: 'pipe' });
    const committed = join(ROOT, 'proto', 'generated');
    const fresh = files(out).map((path) => relative(out, path)).sort();
    expect(files(committed).map((path) => relative(committed, path)).sort()).toEqual(fresh);
    for (const file of fresh) expect(readFileSync(join(committed, file), 'utf8')).toBe(readFileSync(join(out, file), 'utf8'));
  });
});
