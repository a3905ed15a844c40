// Builds each app whose dist/apps/<app>/main.js is older than any source in apps/, libs/ or proto/,
// so `npm start` and `npm test` work on a fresh clone and stay fast on the next run.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const APPS = ['registry', 'calc', 'gateway'];

function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // A package's own build output (libs/*/dist, apps/registry/dist: npm run pack) is no source of the bundles.
    if (entry.isDirectory()) newest = entry.name === 'dist' ? newest : Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfStale(log = (line) => process.stdout.write(line + '\n')) {
  const sources = Math.max(
    newestSource(join(ROOT, 'apps')),
    newestSource(join(ROOT, 'libs')),
    newestSource(join(ROOT, 'proto')),
    statSync(join(ROOT, 'package.json')).mtimeMs,
  );
  for (const app of APPS) {
    if (!existsSync(join(ROOT, 'apps', app, 'src', 'main.ts'))) continue;
    const main = join(ROOT, 'dist', 'apps', app, 'main.js');
    if (existsSync(main) && statSync(main).mtimeMs >= sources) continue;
    log(`building ${app}...`);
    execSync(`npx nest build ${app}`, { cwd: ROOT, stdio: 'inherit' });
  }
}

module.exports = { buildIfStale, APPS, ROOT };

if (require.main === module) buildIfStale();
