import { join } from 'node:path';
import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { FLOORS, startApp, startScript, tmpDir } from '../harness/topology';

// About 300 bytes, like a real service's registration.
const INSTANCE = {
  id: 'bench-instance-1',
  name: 'bench',
  host: '127.0.0.1',
  port: 4000,
  ttlSeconds: 3600,
  tags: ['v1', 'primary'],
  metadata: { version: '1.4.2', zone: 'eu-west-1a', commit: '9f2c1e7', team: 'platform' },
};
const BODY = JSON.stringify(INSTANCE);
const HEADERS = { 'content-type': 'application/json' };

/** Case 3: a steady renewal (`POST /register?knownRevision=N`) beside a bare Fastify Map upsert. */
export async function renewalCase(options: BenchOptions): Promise<ResultRow> {
  const floor = await startScript(join(FLOORS, 'map-upsert.floor.js'));
  const registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir('bench-renewal-') });
  try {
    const first = await fetch(`${registry.url}/register`, { method: 'POST', body: BODY, headers: HEADERS });
    const { revision } = (await first.json()) as { revision: number };
    const post = { method: 'POST' as const, body: BODY, headers: HEADERS };
    const measured = await compare(
      { ...options, ...post, url: `${registry.url}/register?knownRevision=${revision}`, pids: [registry.pid] },
      { ...options, ...post, url: `${floor.url}/register`, pids: [floor.pid] },
      options.rounds,
    );
    return {
      case: 'registry renewal (POST /register?knownRevision=N)',
      ...measured,
      target: '≥ 80% of floor req/s',
      met: ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond) >= 0.8,
    };
  } finally {
    await registry.stop();
    await floor.stop();
  }
}
