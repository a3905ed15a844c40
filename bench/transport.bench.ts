/**
 * Transport measurement: how fast can the call path reach one Fastify backend?
 *
 *   npx ts-node --transpile-only bench/transport.bench.ts [durationSeconds=5] [concurrency=32] [rounds=3]
 *
 * The backend runs in a child process (its own core); this process drives each subject with a
 * closed loop of `concurrency` callers, after a warm-up, and prints req/s, p50 and p99. Rows:
 * a raw undici Pool (the floor), each HttpTransport alone, and the full ServiceClient over each.
 * Subjects run in interleaved rounds and each figure is the median across rounds.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { Pool } from 'undici';
import { AxiosTransport } from '../libs/discovery/src/client/axios.transport';
import { HttpTransport, readText } from '../libs/discovery/src/client/http-transport.interface';
import { ServiceClient } from '../libs/discovery/src/client/service-client';
import { UndiciTransport } from '../libs/discovery/src/client/undici.transport';
import { ServiceInstance } from '../libs/discovery/src/interfaces/service-instance.interface';
import { StrategyRegistry } from '../libs/discovery/src/load-balancing/strategy.registry';
import { OutlierEjection } from '../libs/discovery/src/resilience/outlier-ejection';

const DURATION_S = Number(process.argv[2] ?? 5);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const ROUNDS = Number(process.argv[4] ?? 3);
const WARMUP_S = Math.min(1, DURATION_S);
const PATH = '/add/1/2';

const SERVER = `
const app = require('fastify')({ logger: false });
app.get('/add/:a/:b', async (req) => ({ result: Number(req.params.a) + Number(req.params.b) }));
app.listen({ port: 0, host: '127.0.0.1' }).then(() => process.send(app.server.address().port));
`;

function startBackend(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { cwd: __dirname, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ port: Number(port), child }));
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}`)));
  });
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Closed loop: `CONCURRENCY` workers call `fn` back to back for `seconds`. */
async function drive(fn: () => Promise<unknown>, seconds: number): Promise<{ latencies: number[]; errors: number; elapsed: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await fn();
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
}

async function measure(name: string, fn: () => Promise<unknown>): Promise<Result> {
  await drive(fn, WARMUP_S);
  const { latencies, errors, elapsed } = await drive(fn, DURATION_S);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { name, rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

function clientOver(transport: HttpTransport, instance: ServiceInstance): ServiceClient {
  const config = {
    name: undefined, register: false, host: '127.0.0.1', port: undefined, protocol: 'http' as const,
    instanceId: undefined, tags: [], metadata: {}, weight: 1, ttlSeconds: 30, heartbeatIntervalMs: 10_000,
    urls: [], token: undefined, readToken: undefined, zone: undefined, loadBalancing: 'round-robin' as const, timeoutMs: 5000,
    retries: 2, retryBackoffMs: 25, outlierEjection: { consecutiveFailures: 5, cooldownMs: 10_000 }, watch: false,
    transport: 'undici' as const, connectionsPerInstance: 32,
    grpc: { deadlineMs: 5000, interceptors: [], channelOptions: {}, credentials: undefined }, metrics: false,
    http: { interceptors: [] }, tcp: { connectionsPerInstance: 2 }, retryBudget: { ratio: 0.2, minPerSecond: 3, windowSeconds: 10 },
    check: false as const, drainTimeoutMs: 0, drainGraceMs: 0, tls: undefined,
  };
  const instances: readonly ServiceInstance[] = [instance];
  const source = { instances: async () => instances };
  return new ServiceClient(config, source, transport, new OutlierEjection(config.outlierEjection), new StrategyRegistry());
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const { port, child } = await startBackend();
  const instance: ServiceInstance = {
    id: 'calc-1', name: 'calc', host: '127.0.0.1', port, protocol: 'http', tags: [], metadata: {}, weight: 1,
    ttlSeconds: 30, status: 'passing', enabled: true, registeredAt: '', lastHeartbeat: '',
  };
  const get = { method: 'GET', path: PATH, timeoutMs: 5000 };
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 });
  const undici = new UndiciTransport({ connections: CONCURRENCY });
  const axios = new AxiosTransport({ connections: CONCURRENCY });
  const undiciClient = clientOver(undici, instance);
  const axiosClient = clientOver(axios, instance);
  const subjects: Array<[string, () => Promise<unknown>]> = [
    ['raw undici Pool (floor)', async () => (await pool.request({ method: 'GET', path: PATH })).body.text()],
    ['UndiciTransport.send', async () => readText((await undici.send(instance, get)).body)],
    ['ServiceClient over undici (default)', () => undiciClient.request({ service: 'calc', path: PATH })],
    ['AxiosTransport.send', async () => readText((await axios.send(instance, get)).body)],
    ['ServiceClient over axios', () => axiosClient.request({ service: 'calc', path: PATH })],
  ];
  // Interleaved rounds, median per subject: this machine is noisy, and drift hits every subject alike.
  const rounds: Result[][] = subjects.map(() => []);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < subjects.length; i++) rounds[i].push(await measure(subjects[i][0], subjects[i][1]));
    }
  } finally {
    child.kill();
    await Promise.all([pool.close(), undici.close(), axios.close()]);
  }
  const median = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const results: Result[] = rounds.map((rs) => ({
    name: rs[0].name,
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    errors: rs.reduce((sum, r) => sum + r.errors, 0),
  }));

  const floor = results[0].rps;
  console.log(`\nGET ${PATH}, concurrency ${CONCURRENCY}, median of ${ROUNDS} interleaved rounds of ${DURATION_S}s (each after ${WARMUP_S}s warm-up), Node ${process.version}\n`);
  console.log('| subject | req/s | p50 ms | p99 ms | vs floor | errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${((r.rps / floor) * 100).toFixed(0)}% | ${r.errors} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
