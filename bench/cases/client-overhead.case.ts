import { join } from 'node:path';
import { Pool } from 'undici';
import { BenchOptions } from '../harness/bench-options';
import { startClientApp } from '../harness/client-app';
import { LoadResult } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { FLOORS, startRegistry, startScript, tmpDir } from '../harness/topology';

/** Runs `call` `total` times at `concurrency`, after a warm-up tenth, and reports throughput and latency. */
async function drive(call: () => Promise<unknown>, total: number, concurrency: number): Promise<LoadResult> {
  const run = async (count: number, latencies?: number[]): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < count) {
          const started = performance.now();
          await call();
          latencies?.push(performance.now() - started);
        }
      }),
    );
  };
  await run(Math.ceil(total / 10));
  const latencies: number[] = [];
  const started = performance.now();
  await run(total, latencies);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length - 1) * p))];
  return { requestsPerSecond: total / seconds, p50Ms: at(0.5), p99Ms: at(0.99), requests: total, errors: 0 };
}

/** Case 6: what ServiceClient adds to a call, against a direct undici request to the same instance. */
export async function clientOverheadCase(options: BenchOptions): Promise<ResultRow> {
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-client-') });
  const target = await startScript(join(FLOORS, 'calc.floor.js'));
  await fetch(`${registry.url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'target', host: '127.0.0.1', port: target.port, ttlSeconds: 600 }),
  });
  const { app, client } = await startClientApp(registry.url);
  const pool = new Pool(target.url, { connections: options.connections });
  try {
    const direct = await drive(
      async () => {
        const response = await pool.request({ method: 'GET', path: '/add/1/2' });
        return response.body.json();
      },
      options.clientCalls,
      options.connections,
    );
    const viaClient = await drive(() => client.request({ service: 'target', path: '/add/1/2' }), options.clientCalls, options.connections);
    return {
      case: 'ServiceClient.request vs direct undici request (in-process)',
      subject: viaClient,
      floor: direct,
      note: `overhead per call ≈ ${((1 / viaClient.requestsPerSecond - 1 / direct.requestsPerSecond) * 1e6).toFixed(0)} µs of wall time at ${options.connections} in flight`,
    };
  } finally {
    await pool.close();
    await app.close();
    await target.stop();
    await registry.stop();
  }
}
