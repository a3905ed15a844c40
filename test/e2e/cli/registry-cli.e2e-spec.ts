import { ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../helpers/free-port';
import { startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, http, InstanceJson, register, TestRegistry } from '../registry/registry.harness';

const ROOT = join(__dirname, '..', '..', '..');
/** The CLI from its sources, as `npm run cli` runs it (the package's build is tested in test/e2e/packages). */
const CLI = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'apps', 'registry', 'src', 'cli', 'main.ts')];
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion; a non-zero exit is a result, not an error. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Splits a table into rows of cells (columns are two or more spaces apart). */
const rows = (table: string): string[][] => table.trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));

/** A TCP check a second, critical at its first failure. */
const FAST_TCP = { type: 'tcp', intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeCritical: 1 };

/** Waits until the registry has `id`'s endpoint `endpoint` critical. */
function untilEndpointCritical(url: string, id: string, endpoint: string): Promise<unknown> {
  return waitFor(async () => {
    const all = (await http<(InstanceJson & { endpointHealth?: Record<string, { status: string }> })[]>(`${url}/service/calc?status=all`)).body;
    return all.find((instance) => instance.id === id)?.endpointHealth?.[endpoint]?.status === 'critical';
  }, { timeoutMs: 10_000, message: `${id}'s ${endpoint} endpoint to turn critical` });
}

describe('registry CLI (apps/registry/src/cli)', () => {
  let registry: TestRegistry;
  /** Where calc-2's gRPC endpoint claims to listen: nothing does, so its check makes it critical. */
  let closedPort: number;

  beforeEach(async () => {
    registry = await bootRegistry();
    closedPort = await freePort();
    // Two processes of calc, each with a gRPC endpoint beside its HTTP address; calc-2's is down.
    await register(registry.url, calc({ id: 'calc-1', port: 8081, tags: ['v2'], ttlSeconds: 60, endpoints: { grpc: { port: 50051 } } }));
    await register(registry.url, calc({
      id: 'calc-2', port: 8082, tags: ['v2', 'canary'], weight: 5, ttlSeconds: 60,
      endpoints: { grpc: { port: closedPort, check: FAST_TCP }, admin: { port: 9464, protocol: 'http' } },
    }));
    await register(registry.url, { name: 'orders', id: 'orders-1', host: '127.0.0.7', port: 8080, ttlSeconds: 60 });
    await untilEndpointCritical(registry.url, 'calc-2', 'grpc');
  });

  afterEach(() => registry.close());

  it('services: a table of every service with its counts (processes, not listeners), endpoints and tags', async () => {
    const { code, stdout, stderr } = await cli(['services', '--registry', registry.url]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(rows(stdout)).toEqual([
      ['SERVICE', 'INSTANCES', 'PASSING', 'ENDPOINTS', 'TAGS'],
      ['calc', '2', '2', 'admin 1/1 passing, grpc 1/2 passing', 'canary,v2'],
      ['orders', '1', '1', '-', '-'],
    ]);
  });

  it('instances <name>: a table of one service, with REGISTRY_URL as the default registry', async () => {
    const { code, stdout } = await cli(['instances', 'calc'], { REGISTRY_URL: `${registry.url},http://127.0.0.1:9` });
    expect(code).toBe(0);
    const [header, ...body] = rows(stdout);
    expect(header).toEqual(['ID', 'ADDRESS', 'PROTOCOL', 'STATUS', 'ENDPOINTS', 'WEIGHT', 'TAGS', 'HEARTBEAT']);
    // One row per process; calc-2 is still routable over HTTP while its gRPC endpoint is critical.
    expect(body.map((cells) => cells.slice(0, 7))).toEqual([
      ['calc-1', '127.0.0.1:8081', 'http', 'passing', 'grpc:50051 (passing)', '1', 'v2'],
      ['calc-2', '127.0.0.1:8082', 'http', 'passing', `admin:9464/http (passing), grpc:${closedPort} (critical)`, '5', 'v2,canary'],
    ]);
    for (const cells of body) expect(cells[7]).toMatch(/^\d+s ago$/);

    const tagged = await cli(['instances', 'calc', '--tag', 'canary', '--registry', registry.url]);
    expect(rows(tagged.stdout).slice(1).map((cells) => cells[0])).toEqual(['calc-2']);
  });

  it('--json prints the registry answer', async () => {
    const { stdout } = await cli(['instances', 'orders', '--json', '--registry', registry.url]);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ id: 'orders-1', host: '127.0.0.7', port: 8080 })]);
    const calcs = JSON.parse((await cli(['instances', 'calc', '--json', '--registry', registry.url])).stdout);
    expect(calcs[1]).toMatchObject({ id: 'calc-2', endpoints: { grpc: { port: closedPort } }, endpointHealth: { grpc: { status: 'critical' } } });
    const services = JSON.parse((await cli(['services', '--json', '--registry', registry.url])).stdout);
    expect(Object.keys(services.services).sort()).toEqual(['calc', 'orders']);
  });

  it('watch: prints a line per change until interrupted', async () => {
    const watcher: ChildProcess = spawn(process.execPath, [...CLI, 'watch', '--registry', registry.url], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    watcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('2 services, 3 instances'), { message: 'the first line' });
      await waitFor(async () => (await http<{ watchers: number }>(`${registry.url}/health`)).body.watchers === 1, {
        message: 'the CLI to park its watch',
      });
      await register(registry.url, { name: 'orders', id: 'orders-2', host: '127.0.0.8', port: 8080, tags: ['v3'] });
      await http(`${registry.url}/service/calc/calc-1`, { method: 'DELETE' });
      await register(registry.url, calc({
        id: 'calc-2', port: 8082, tags: ['v2', 'canary'], weight: 9, ttlSeconds: 60,
        endpoints: { grpc: { port: closedPort, check: FAST_TCP }, admin: { port: 9464, protocol: 'http' } },
      }));
      const port = await freePort();
      await register(registry.url, calc({ id: 'calc-3', port: 8083, ttlSeconds: 60, endpoints: { grpc: { port, check: FAST_TCP } } }));
      await waitFor(() => /~ calc calc-2 weight 5 → 9/.test(output), { message: `the changes in:\n${output}` });
      // A new process with its endpoint, which then turns critical: a change of that endpoint alone (unless the
      // first probe was quicker than the CLI's next watch, and the process shows up critical at once).
      await waitFor(
        () => /~ calc calc-3 .*endpointHealth\.grpc\.status (-|"passing") → "critical"|\+ calc calc-3 .*\(critical\)/.test(output),
        { timeoutMs: 10_000, message: `calc-3's endpoint critical in:\n${output}` },
      );
      expect(output).toMatch(new RegExp(`revision \\d+ \\+ calc calc-3 127\\.0\\.0\\.1:8083 http grpc:${port} \\((passing|critical)\\)`));
      expect(output).toMatch(/revision \d+ \+ orders orders-2 127\.0\.0\.8:8080 http \[v3\]/);
      expect(output).toMatch(/revision \d+ - calc calc-1 127\.0\.0\.1:8081/);
    } finally {
      const exited = new Promise((resolve) => watcher.once('exit', (code) => resolve(code)));
      watcher.kill('SIGINT');
      await expect(exited).resolves.toBe(0);
    }
  });

  it('watch: keeps retrying while the registry is away, and goes on when it is back', async () => {
    const port = await freePort();
    const env = { REGISTRY_PORT: String(port), REGISTRY_HOST: '127.0.0.1', REGISTRY_DATA_DIR: tmpDir('cli-watch-') };
    const away = await startApp('registry', env);
    const watcher = spawn(process.execPath, [...CLI, 'watch', '--registry', away.url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    watcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    watcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('0 services, 0 instances'), { timeoutMs: 10_000, message: `the first line in:\n${output}` });
      await away.stop();
      await waitFor(() => output.includes('; retrying'), { message: `the outage reported in:\n${output}` });
      // Between two attempts only the backoff timer is pending: it must keep the process alive.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(watcher.exitCode).toBeNull();
      const back = await startApp('registry', env);
      await waitFor(() => output.includes('registry reachable again'), { timeoutMs: 15_000, message: `the recovery in:\n${output}` });
      await register(back.url, { name: 'orders', id: 'orders-9', host: '127.0.0.9', port: 8080, ttlSeconds: 60 });
      await waitFor(() => /\+ orders orders-9 127\.0\.0\.9:8080/.test(output), { message: `the registration in:\n${output}` });
    } finally {
      const exited = new Promise((resolve) => watcher.once('exit', (code) => resolve(code)));
      watcher.kill('SIGINT');
      await expect(exited).resolves.toBe(0);
      await stopAll();
    }
    // Two registry starts and the waits above: well past Jest's default 5 s on a loaded machine.
  }, 60_000);

  it('exits 1 with a clear message when the registry is unreachable', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await cli(['services', '--registry', `http://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`nest-discovery: cannot reach the registry at http://127.0.0.1:${port} (ECONNREFUSED)\n`);
  });

  it('exits 2 with the usage on a bad command', async () => {
    const { code, stderr } = await cli(['instances']);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: instances <name>');
    expect(stderr).toContain('Usage: nest-discovery <command>');
  });
});
