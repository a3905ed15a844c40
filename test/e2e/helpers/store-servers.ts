import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port';
import { tmpDir } from './tmp-dir';

/** The remote stores the tests run against. */
export type RemoteStoreKind = 'redis' | 'etcd';

/** A Redis or etcd server on loopback, started for tests and benchmarks. */
export interface StoreServer {
  readonly kind: RemoteStoreKind;
  /** The `REGISTRY_STORE` value that reaches it. */
  readonly url: string;
  readonly port: number;
  /** SIGTERM, resolves once it exited; `start()` brings it back on the same port (and, for etcd, data). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const BINARIES: Record<RemoteStoreKind, string> = { redis: 'redis-server', etcd: 'etcd' };
export const INSTALL_HINT = 'apt-get install redis-server etcd-server';
const READY_TIMEOUT_MS = 20_000;

/** Where `kind`'s server binary is on PATH, or undefined. */
export function findStoreBinary(kind: RemoteStoreKind): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, BINARIES[kind]);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Starts `kind`'s server on free loopback ports; rejects when the binary is missing or it does not come up. */
export async function startStoreServer(kind: RemoteStoreKind): Promise<StoreServer> {
  const binary = findStoreBinary(kind);
  if (binary === undefined) throw new Error(`${BINARIES[kind]} is not on PATH (${INSTALL_HINT})`);
  const port = await freePort();
  const args = kind === 'redis' ? redisArgs(port) : etcdArgs(port, await freePort(), tmpDir('etcd-test-'));
  const url = `${kind}://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: StoreServer = {
    kind,
    url,
    port,
    start: async () => {
      const started = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      let errors = '';
      started.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
      const exited = new Promise<never>((_, reject) =>
        started.once('exit', (code) => reject(new Error(`${BINARIES[kind]} exited with ${code}: ${errors}`))),
      );
      exited.catch(() => undefined);
      await Promise.race([waitUntilReady(kind, port), exited]);
    },
    stop: async () => {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
  };
  children.add(server);
  await server.start();
  return server;
}

const children = new Set<StoreServer>();
process.once('exit', () => {
  for (const server of children) void server.stop();
});

function redisArgs(port: number): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
}

/** A one-member cluster with short raft timings, so leases as short as 1 s are honoured. */
function etcdArgs(port: number, peerPort: number, dataDir: string): string[] {
  const client = `http://127.0.0.1:${port}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    '--name', 'test',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `test=${peer}`,
    '--heartbeat-interval', '50',
    '--election-timeout', '500',
    '--logger', 'zap',
    '--log-level', 'error',
  ];
}

async function waitUntilReady(kind: RemoteStoreKind, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await (kind === 'redis' ? redisPong(port) : etcdHealthy(port))) return;
    if (Date.now() > deadline) throw new Error(`${BINARIES[kind]} on port ${port} not ready within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function redisPong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function etcdHealthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(500) });
    return response.ok && ((await response.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}
