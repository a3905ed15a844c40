import { join } from 'node:path';
import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { FLOORS, startRegistry, startScript, tmpDir } from '../harness/topology';

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

/**
 * Case 3: a steady renewal (`POST /register?knownRevision=N`) beside a bare Nest `POST` upserting a Map, in
 * alternating rounds; and that floor beside the same upsert on bare Fastify.
 */
export async function renewalCase(options: BenchOptions): Promise<ResultRow[]> {
  const fastifyFloor = await startScript(join(FLOORS, 'map-upsert.floor.js'));
  const floor = await startScript(join(FLOORS, 'nest-map-upsert.floor.js'));
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-renewal-') });
  try {
    const first = await fetch(`${registry.url}/register`, { method: 'POST', body: BODY, headers: HEADERS });
    const { revision } = (await first.json()) as { revision: number };
    const post = { method: 'POST' as const, body: BODY, headers: HEADERS };
    const measured = await compare(
      { ...options, ...post, url: `${registry.url}/register?knownRevision=${revision}`, pids: [registry.pid] },
      { ...options, ...post, url: `${floor.url}/register`, pids: [floor.pid] },
      options.rounds,
    );
    const nestCost = await compare(
      { ...options, ...post, url: `${floor.url}/register`, pids: [floor.pid] },
      { ...options, ...post, url: `${fastifyFloor.url}/register`, pids: [fastifyFloor.pid] },
      options.rounds,
    );
    return [
      {
        case: 'registry renewal (POST /register?knownRevision=N); floor = bare Nest POST upserting a Map',
        ...measured,
        target: '≥ 90% of floor req/s',
        met: ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond) >= 0.9,
      },
      { case: 'floor: bare Nest POST upserting a Map; floor = the same on bare Fastify', ...nestCost },
    ];
  } finally {
    await registry.stop();
    await floor.stop();
    await fastifyFloor.stop();
  }
}
