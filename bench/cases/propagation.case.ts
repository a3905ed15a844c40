import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BenchOptions } from '../harness/bench-options';
import { startClientApp } from '../harness/client-app';
import { ResultRow } from '../harness/result-row';
import { startRegistry, tmpDir } from '../harness/topology';

function startNamedServer(name: string): Promise<Server> {
  const server = createServer((_req, res) => res.end(name));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function register(registryUrl: string, id: string, server: Server): Promise<void> {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`${registryUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, name: 'propagation', host: '127.0.0.1', port, ttlSeconds: 600 }),
  });
  if (!response.ok) throw new Error(`register ${id} answered ${response.status}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/** Case 5: time from a new instance's registration until a running client routes a call to it. */
export async function propagationCase(options: BenchOptions): Promise<ResultRow> {
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-propagation-') });
  const base = await startNamedServer('base');
  await register(registry.url, 'base', base);
  const { app, client } = await startClientApp(registry.url);
  const times: number[] = [];
  try {
    await client.request({ service: 'propagation', path: '/' });
    for (let i = 0; i < options.propagationTries; i++) {
      const id = `fresh-${i}`;
      const server = await startNamedServer(id);
      await register(registry.url, id, server);
      const registeredAt = performance.now();
      // Calls go round-robin over what the client knows: the first answer from the new instance is the moment it knew.
      for (;;) {
        if ((await client.request<string>({ service: 'propagation', path: '/' })) === id) break;
        if (performance.now() - registeredAt > 10_000) throw new Error(`${id} got no call within 10 s`);
      }
      times.push(performance.now() - registeredAt);
      await fetch(`${registry.url}/service/propagation/${id}`, { method: 'DELETE' });
      server.close();
    }
  } finally {
    await app.close();
    base.close();
    await registry.stop();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = percentile(sorted, 0.5);
  return {
    case: `propagation: registration → first routed call (${times.length} tries)`,
    subject: { requestsPerSecond: 0, p50Ms: median, p99Ms: sorted[sorted.length - 1], requests: times.length, errors: 0 },
    target: 'median < 100 ms',
    met: median < 100,
    note: `median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (p99 column = max)`,
  };
}
