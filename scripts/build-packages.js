// Builds the installable packages with tsc (JS and .d.ts, no bundle) and, with --pack, packs each into
// dist/packages/<name>-<version>.tgz: `npm run pack`. Order matters: the library compiles against the
// contract's built declarations, as a user's install would.
const { execFileSync } = require('node:child_process');
const { mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
/** Each package's folder, in build order. */
const PACKAGES = ['libs/registry-api', 'libs/discovery'];
const OUT = join(ROOT, 'dist', 'packages');

function run(command, args, cwd = ROOT) {
  return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

function build() {
  for (const folder of PACKAGES) {
    rmSync(join(ROOT, folder, 'dist'), { recursive: true, force: true });
    run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(folder, 'tsconfig.build.json')]);
  }
}

/** Packs every package; resolves with the tarballs' paths. */
function pack() {
  mkdirSync(OUT, { recursive: true });
  return PACKAGES.map((folder) => {
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', OUT], join(ROOT, folder)));
    return join(OUT, info.filename);
  });
}

module.exports = { build, pack, PACKAGES, OUT };

if (require.main === module) {
  build();
  if (process.argv.includes('--pack')) for (const tarball of pack()) process.stdout.write(`${tarball}\n`);
}
