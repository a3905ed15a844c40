// Builds the installable packages with tsc (JS and .d.ts, no bundle) and, with --pack, packs each into
// dist/packages/<name>-<version>.tgz: `npm run pack`. Order matters: the library compiles against the
// contract's built declarations, and the registry against both, as a user's install would.
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
/** Each package's folder, in build order. */
const PACKAGES = ['libs/registry-api', 'libs/discovery', 'apps/registry'];
/**
 * Files a package reads at run time besides its JS, copied into its dist/ (from, to): the registry's
 * dashboard and the proto of its gRPC health checks, where its code looks for them.
 */
const ASSETS = {
  'apps/registry': [
    ['apps/registry/src/ui/assets', 'apps/registry/dist/ui/assets'],
    ['proto/health.proto', 'apps/registry/dist/proto/health.proto'],
  ],
};
const OUT = join(ROOT, 'dist', 'packages');
/** Held while a build or a pack runs: two e2e workers may pack at once, and a build first empties dist/. */
const LOCK = join(ROOT, 'dist', '.build-packages.lock');
/** Longer than any build; a lock this old was left by a killed process. */
const LOCK_STALE_MS = 5 * 60_000;

function run(command, args, cwd = ROOT) {
  return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

/** Runs `work` holding LOCK (a folder: mkdir is atomic), waiting for another process's build or pack first. */
function exclusively(work) {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const heldMs = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (heldMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // a synchronous 200 ms sleep
    }
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function build() {
  exclusively(() => {
    for (const folder of PACKAGES) {
      rmSync(join(ROOT, folder, 'dist'), { recursive: true, force: true });
      run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(folder, 'tsconfig.build.json')]);
      for (const [from, to] of ASSETS[folder] ?? []) cpSync(join(ROOT, from), join(ROOT, to), { recursive: true });
    }
  });
}

/** Packs every package into `destination` (default OUT); the tarballs' paths. */
function pack(destination = OUT) {
  return exclusively(() => {
    mkdirSync(destination, { recursive: true });
    return PACKAGES.map((folder) => {
      const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', destination], join(ROOT, folder)));
      return join(destination, info.filename);
    });
  });
}

module.exports = { build, pack, PACKAGES, OUT };

if (require.main === module) {
  build();
  if (process.argv.includes('--pack')) for (const tarball of pack()) process.stdout.write(`${tarball}\n`);
}
