import { execFile, execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { build, pack } from '../../../scripts/build-packages';
import { freePort } from '../helpers/free-port';
import { http } from '../helpers/http';
import { RunningApp, startScript, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

const run = promisify(execFile);
/** Installing Nest, fastify, ioredis, etcd3… from the npm registry into an empty folder: bounded, not tight. */
const INSTALL_TIMEOUT_MS = 150_000;
/** What @nest-discovery/registry may ship: its build's JS, the dashboard, the health proto, manifest and README. */
const SHIPPED = /^package\/(dist\/.+\.js|dist\/ui\/assets\/[^/]+\.(html|css|js|svg)|dist\/proto\/health\.proto|package\.json|README\.md)$/;
const PACKAGE_NAMES = /^nest-discovery-(registry-api|discovery|registry)-\d/;

jest.setTimeout(240_000);

/** Splits a table into rows of cells (columns are two or more spaces apart). */
const rows = (table: string): string[][] => table.trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));

/**
 * The registry as someone without a clone runs it: the three packed tarballs installed into an empty temp
 * folder, the registry started by the package's bin (`nest-discovery registry`, what `npx
 * @nest-discovery/registry registry` runs), and the same bin's CLI listing what registered with it.
 */
describe('the packed registry package, installed outside the monorepo', () => {
  let folder: string;
  let bin: string;
  let registry: RunningApp;

  beforeAll(async () => {
    build();
    // Tarballs of its own: another spec may be packing into dist/packages meanwhile.
    const tarballs = pack(tmpDir('registry-package-tarballs-')).filter((tarball) => PACKAGE_NAMES.test(basename(tarball)));
    expect(tarballs.map((tarball) => basename(tarball).replace(/-\d.*$/, '')).sort()).toEqual([
      'nest-discovery-discovery',
      'nest-discovery-registry',
      'nest-discovery-registry-api',
    ]);
    for (const tarball of tarballs) {
      const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
      process.stdout.write(`[registry-package] ${basename(tarball)}: ${files.length} files, ${(statSync(tarball).size / 1024).toFixed(1)} KiB\n`);
      if (basename(tarball).startsWith('nest-discovery-registry-0')) {
        expect(files.filter((file) => !SHIPPED.test(file) || /\.spec\.|test-support|testing\./.test(file))).toEqual([]);
        expect(files).toEqual(expect.arrayContaining(['package/dist/cli/main.js', 'package/dist/ui/assets/index.html', 'package/dist/proto/health.proto']));
      }
    }

    folder = tmpDir('registry-package-');
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'registry-package-e2e', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
      cwd: folder,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: INSTALL_TIMEOUT_MS,
    });
    bin = join(folder, 'node_modules', '.bin', 'nest-discovery');
    registry = await startScript(
      bin,
      { REGISTRY_PORT: '0', REGISTRY_HOST: '127.0.0.1', REGISTRY_DATA_DIR: tmpDir('registry-package-data-') },
      30_000,
      { args: ['registry'], cwd: folder },
    );
  });

  afterAll(() => stopAll());

  /** The installed CLI, run to completion within a bound. */
  const cli = (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    run(process.execPath, [bin, ...args, '--registry', registry.url], { cwd: folder, timeout: 15_000 });

  it('shares one Nest with the library (no second copy nested under the registry)', () => {
    expect(existsSync(join(folder, 'node_modules', '@nestjs', 'core'))).toBe(true);
    expect(existsSync(join(folder, 'node_modules', '@nest-discovery', 'registry', 'node_modules', '@nestjs', 'core'))).toBe(false);
  });

  it('serves its dashboard and API docs', async () => {
    const page = await http<string>(`${registry.url}/ui/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<!doctype html>');
    const docs = await http<{ info: { version: string } }>(`${registry.url}/docs-json`);
    expect(docs.status).toBe(200);
    expect(docs.body.info.version).toBe('0.2.0');
  });

  it('lists an instance that registered with it, through the same bin', async () => {
    // Loopback only: the registry probes the endpoint's check at 127.0.0.2, where nothing listens.
    const closedPort = await freePort();
    const check = { type: 'grpc', intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeCritical: 1 };
    const registered = await http(`${registry.url}/register`, {
      method: 'POST',
      body: { name: 'packaged', id: 'packaged-1', host: '127.0.0.2', port: 8080, ttlSeconds: 60, endpoints: { grpc: { port: closedPort, check } } },
    });
    expect(registered.status).toBe(201);
    // A gRPC check that ran (so the package ships the health proto it loads) and found no server.
    await waitFor(
      async () => {
        const [instance] = (await http<{ endpointHealth?: Record<string, { status: string; checkOutput?: string }> }[]>(
          `${registry.url}/service/packaged?status=all`,
        )).body;
        return instance?.endpointHealth?.grpc?.checkOutput?.startsWith('gRPC UNAVAILABLE');
      },
      { timeoutMs: 10_000, message: "the grpc endpoint's check to fail as unavailable" },
    );

    const services = await cli('services');
    expect(services.stderr).toBe('');
    expect(rows(services.stdout)).toEqual([
      ['SERVICE', 'INSTANCES', 'PASSING', 'ENDPOINTS', 'TAGS'],
      ['packaged', '1', '1', 'grpc 0/1 passing', '-'],
    ]);
    const instances = await cli('instances', 'packaged');
    expect(rows(instances.stdout)[1].slice(0, 5)).toEqual(['packaged-1', '127.0.0.2:8080', 'http', 'passing', `grpc:${closedPort} (critical)`]);
  });

  it('stops on SIGTERM', async () => {
    const exited = registry.stop('SIGTERM');
    const bound = new Promise<string>((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000).unref());
    // Nest closes the app, then re-raises the signal: no exit code, killed by SIGTERM (null), or 0.
    expect([0, null]).toContain(await Promise.race([exited, bound]));
  });
});
