import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchOptions } from '../harness/bench-options';
import { load } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { rssMiB, startRegistry, tmpDir } from '../harness/topology';

const PER_SERVICE = 10;

/**
 * The seeded instance `i` as the snapshot holds it. Loopback only (the registry may probe what is
 * registered): 253 addresses, then the next port.
 */
export function seededInstance(i: number, perService = PER_SERVICE, savedAt = new Date().toISOString()): Record<string, unknown> {
  return {
    id: `svc-${Math.floor(i / perService)}-${i % perService}`,
    name: `svc-${Math.floor(i / perService)}`,
    host: `127.0.0.${2 + (i % 253)}`,
    port: 1024 + Math.floor(i / 253),
    protocol: 'http',
    tags: ['v1'],
    metadata: { version: '1.0.0', zone: `zone-${i % 3}` },
    weight: 1,
    ttlSeconds: 3600,
    status: 'passing',
    registeredAt: savedAt,
    lastHeartbeat: savedAt,
  };
}

/**
 * Seeds the registry through its snapshot (the restore path, in the format the registry writes): registering 100 000 instances one POST at a
 * time would measure the answers, which by design carry every registration, not the lookup.
 */
export function seedSnapshot(dataDir: string, count: number, perService = PER_SERVICE): void {
  const now = new Date().toISOString();
  const instances = Array.from({ length: count }, (_, i) => seededInstance(i, perService, now));
  writeFileSync(join(dataDir, 'registry.json'), JSON.stringify({ version: 2, revision: count, savedAt: now, instances }));
}

/**
 * Case 4: `GET /service/:name` (a service of ten instances) with 10, 1 000 and 100 000 instances registered
 * in all, and the registry's RSS once they are.
 */
export async function lookupCases(options: BenchOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const size of options.lookupSizes) {
    const dataDir = tmpDir('bench-lookup-');
    seedSnapshot(dataDir, size);
    const registry = await startRegistry({ REGISTRY_DATA_DIR: dataDir }, 60_000);
    try {
      const seeded = (await (await fetch(`${registry.url}/service/svc-${Math.floor((size - 1) / PER_SERVICE)}`)).json()) as unknown[];
      if (seeded.length === 0) throw new Error(`registry did not restore the ${size} seeded instances`);
      const subject = await load({ ...options, url: `${registry.url}/service/svc-0` });
      const rss = await rssMiB(registry.pid);
      const isLargest = size >= 100_000;
      rows.push({
        case: `registry lookup, ${size.toLocaleString('en-US')} instances registered`,
        subject,
        target: isLargest ? 'p99 < 10 ms, RSS < 300 MB' : undefined,
        met: isLargest ? subject.p99Ms < 10 && rss * 1.048576 < 300 : undefined,
        note: `registry RSS ${rss.toFixed(0)} MiB`,
      });
    } finally {
      await registry.stop();
    }
  }
  return rows;
}
