import { findStoreBinary, startStoreServer, StoreServer } from '../../test/e2e/helpers/store-servers';
import { BenchOptions } from '../harness/bench-options';
import { load } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { startRegistry, tmpDir } from '../harness/topology';

const PER_SERVICE = 10;
const HEADERS = { 'content-type': 'application/json' };

const instance = (i: number) => ({
  id: `svc-${Math.floor(i / PER_SERVICE)}-${i % PER_SERVICE}`,
  name: `svc-${Math.floor(i / PER_SERVICE)}`,
  // Loopback only (the registry may probe what is registered): 253 addresses, then the next port.
  host: `127.0.0.${2 + (i % 253)}`,
  port: 1024 + Math.floor(i / 253),
  ttlSeconds: 3600,
  tags: ['v1'],
  metadata: { version: '1.0.0', zone: `zone-${i % 3}` },
});

/** Registers `count` instances one POST at a time, guessing the next revision so answers stay small. */
async function seed(url: string, count: number): Promise<number> {
  let revision = 0;
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/register?knownRevision=${revision + 1}`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify(instance(i)),
    });
    if (response.status !== 201) throw new Error(`seeding answered ${response.status}: ${await response.text()}`);
    revision = ((await response.json()) as { revision: number }).revision;
  }
  return revision;
}

/**
 * The registry over each store (memory; Redis and etcd when their servers are installed, on loopback):
 * renewals/s of one instance (`POST /register?knownRevision=N`, a plain renewal) and the latency of
 * `GET /service/:name` (ten instances) with 1 000 registered in all (100 for the smoke run).
 */
export async function storeCases(options: BenchOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const size = options.lookupSizes[1] ?? 1000;
  for (const kind of ['memory', 'redis', 'etcd'] as const) {
    if (kind !== 'memory' && findStoreBinary(kind) === undefined) continue;
    let server: StoreServer | undefined;
    const registry = await (async () => {
      server = kind === 'memory' ? undefined : await startStoreServer(kind);
      return startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-store-'), REGISTRY_STORE: server?.url ?? 'memory' }, 60_000);
    })();
    try {
      const revision = await seed(registry.url, size);
      const renewal = await load({
        ...options,
        url: `${registry.url}/register?knownRevision=${revision}`,
        method: 'POST',
        body: JSON.stringify(instance(0)),
        headers: HEADERS,
      });
      rows.push({ case: `store ${kind}: renewal (POST /register?knownRevision=N)`, subject: renewal });
      const lookup = await load({ ...options, url: `${registry.url}/service/svc-0` });
      rows.push({ case: `store ${kind}: lookup, ${size.toLocaleString('en-US')} instances registered`, subject: lookup });
    } finally {
      await registry.stop();
      await server?.stop();
    }
  }
  return rows;
}
