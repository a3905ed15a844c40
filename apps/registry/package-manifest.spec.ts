import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// The registry package (@nest-discovery/registry) is installed by people without a clone: whatever its code
// loads at run time must be in its dependencies, at the versions the monorepo builds and tests it with.

interface Manifest {
  name: string;
  version: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const ROOT = join(__dirname, '..', '..');
const read = (path: string): Manifest => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Manifest;
const registry = read('apps/registry/package.json');
const root = read('package.json');
const dependencies = registry.dependencies ?? {};

/** Every .ts file the package's build compiles (tsconfig.build.json: not specs, not test support). */
function shippedSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : shippedSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && entry.name !== 'testing.clock.ts' ? [path] : [];
  });
}

/** The packages a source file imports (type-only imports too: their types are part of the build). */
function importedPackages(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const specifiers = [...text.matchAll(/(?<![.\w])(?:from|import|require)\s*\(?\s*'([^'.][^']*)'/g)].map((match) => match[1]);
  return specifiers
    .filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier))
    .map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

describe('the registry package manifest', () => {
  it('names a bin that the build emits from the CLI', () => {
    expect(registry.bin).toEqual({ 'nest-discovery': 'dist/cli/main.js' });
  });

  it('depends on every package its code imports', () => {
    const imported = new Set(shippedSources(join(__dirname, 'src')).flatMap(importedPackages));
    expect([...imported].filter((name) => !(name in dependencies)).sort()).toEqual([]);
  });

  it('depends on the monorepo packages at their own version, which is its version too', () => {
    for (const path of ['libs/registry-api/package.json', 'libs/discovery/package.json']) {
      const library = read(path);
      expect(dependencies[library.name]).toBe(library.version);
      expect(registry.version).toBe(library.version);
    }
  });

  // The Nest packages also accept 12.x (`^11.2.10 || ^12.0.0`) while the monorepo is on 11: the library's
  // peers ask for Nest 12, and one copy of Nest must serve both packages (two copies break Nest's injector).
  // Once the root pins 12.x, the first range must follow and the second goes.
  it('asks first for the versions the root package.json pins (so an upgrade there shows up here)', () => {
    const pinned = root.dependencies ?? {};
    const drifted = Object.entries(dependencies)
      .filter(([name]) => name in pinned)
      .filter(([name, range]) => range.split(' || ')[0] !== `^${pinned[name]}`)
      .map(([name, range]) => `${name}: ${range}, root pins ${pinned[name]}`);
    expect(drifted).toEqual([]);
  });
});
