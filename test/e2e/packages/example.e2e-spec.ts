import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build, pack } from '../../../scripts/build-packages';
import { http } from '../helpers/http';
import { RunningApp, startApp, startScript, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'calc-caller');
/** Installing Nest and TypeScript from the npm registry into an empty folder: bounded, but not tight. */
const INSTALL_TIMEOUT_MS = 150_000;

jest.setTimeout(240_000);

/**
 * The library as a user gets it: the packed tarballs installed into a plain Nest 12 app outside the
 * monorepo (a copy of examples/calc-caller in a temp folder), which registers with a real registry and adds
 * through a real calc found by discovery.
 */
describe('the packed library in a plain Nest app outside the monorepo', () => {
  let registry: RunningApp;
  let example: RunningApp;
  let folder: string;

  beforeAll(async () => {
    build();
    const tarballs = pack().filter((tarball) => /nest-discovery-(registry-api|discovery)-/.test(basename(tarball)));
    expect(tarballs).toHaveLength(2);
    for (const tarball of tarballs) {
      const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
      process.stdout.write(`[example] ${basename(tarball)}: ${files.length} files, ${(statSync(tarball).size / 1024).toFixed(1)} KiB\n`);
      // What a user needs and nothing else: built JS, declarations, the manifest and a README.
      expect(files.filter((file) => !/^package\/(dist\/.+\.(js|d\.ts)|package\.json|README\.md)$/.test(file))).toEqual([]);
      expect(files.some((file) => /\.spec\.|test-support/.test(file))).toBe(false);
    }

    folder = tmpDir('calc-caller-');
    cpSync(EXAMPLE, folder, { recursive: true, filter: (path) => !/[/\\](node_modules|dist)$/.test(path) });
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
      cwd: folder,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: INSTALL_TIMEOUT_MS,
    });
    execFileSync(process.execPath, [join(folder, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: folder,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 60_000,
    });
    expect(readdirSync(join(folder, 'dist'))).toContain('main.js');

    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir() });
    await startApp('calc', { REGISTRY_URL: registry.url });
    example = await startScript(join(folder, 'dist', 'main.js'), { REGISTRY_URL: registry.url, PORT: '0', HOST: '127.0.0.1' });
  });

  afterAll(() => stopAll());

  it('registers with the registry and calls calc through its declarative client', async () => {
    await waitFor(async () => (await http<unknown[]>(`${registry.url}/service/calc-caller`)).body.length === 1, {
      message: 'the example app to register',
    });
    const sum = await waitFor(
      async () => {
        const answer = await http<{ result: number }>(`${example.url}/sum/1/2`);
        return answer.status === 200 ? answer : undefined;
      },
      { message: 'the example to reach calc' },
    );
    expect(sum.body).toEqual({ result: 3 });
    // Nest 12 from the npm registry, not the monorepo's copy.
    const nest = JSON.parse(execFileSync('npm', ['ls', '@nestjs/core', '--json'], { cwd: folder, encoding: 'utf8' })) as {
      dependencies: Record<string, { version: string }>;
    };
    expect(nest.dependencies['@nestjs/core'].version).toMatch(/^12\./);
  });
});
