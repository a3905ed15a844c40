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
const TOKEN = 'bench-write-token';

/**
 * Case 3: a steady renewal (`POST /register?knownRevision=N`) beside a bare Nest `POST` upserting a Map, in
 * alternating rounds; that floor beside the same upsert on bare Fastify; and what scoped tokens cost a renewal
 * (a registry with `REGISTRY_TOKEN` checking the bearer on every renewal, beside the open one).
 */
export async function renewalCase(options: BenchOptions): Promise<ResultRow[]> {
  const fastifyFloor = await startScript(join(FLOORS, 'map-upsert.floor.js'));
  const floor = await startScript(join(FLOORS, 'nest-map-upsert.floor.js'));
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-renewal-') });
  // With a token the registry would listen on every address: kept on loopback.
  const guarded = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-renewal-'), REGISTRY_TOKEN: TOKEN, REGISTRY_HOST: '127.0.0.1' });
  try {
    const revision = await registerOnce(registry.url, HEADERS);
    const guardedHeaders = { ...HEADERS, authorization: `Bearer ${TOKEN}` };
    const guardedRevision = await registerOnce(guarded.url, guardedHeaders);
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
    const tokenCost = await compare(
      { ...options, method: 'POST', body: BODY, headers: guardedHeaders, url: `${guarded.url}/register?knownRevision=${guardedRevision}`, pids: [guarded.pid] },
      { ...options, ...post, url: `${registry.url}/register?knownRevision=${revision}`, pids: [registry.pid] },
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
      { case: 'registry renewal with a write token (REGISTRY_TOKEN, bearer checked); floor = the same renewal, no token configured', ...tokenCost },
    ];
  } finally {
    await guarded.stop();
    await registry.stop();
    await floor.stop();
    await fastifyFloor.stop();
  }
}

/** Registers the bench's instance once; the revision its renewals then say they know. */
async function registerOnce(url: string, headers: Record<string, string>): Promise<number> {
  const answer = await fetch(`${url}/register`, { method: 'POST', body: BODY, headers });
  if (!answer.ok) throw new Error(`registering at ${url}: HTTP ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { revision: number }).revision;
}
