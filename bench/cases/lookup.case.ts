import { Pool } from 'undici';
import { BenchOptions } from '../harness/bench-options';
import { load } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { rssMiB, startApp, tmpDir } from '../harness/topology';

const PER_SERVICE = 10;

/** Registers `count` instances, ten per service, as fast as the registry takes them. */
async function fill(registryUrl: string, count: number): Promise<void> {
  const pool = new Pool(registryUrl, { connections: 32 });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const response = await pool.request({
        method: 'POST',
        path: '/register',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: `svc-${Math.floor(i / PER_SERVICE)}-${i % PER_SERVICE}`,
          name: `svc-${Math.floor(i / PER_SERVICE)}`,
          host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          port: 8000 + (i % PER_SERVICE),
          ttlSeconds: 3600,
          tags: ['v1'],
          metadata: { version: '1.0.0', zone: `zone-${i % 3}` },
        }),
      });
      await response.body.dump();
      if (response.statusCode !== 201) throw new Error(`register ${i} answered ${response.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  await pool.close();
}

/**
 * Case 4: `GET /service/:name` (a service of ten instances) with 10, 1 000 and 100 000 instances registered
 * in all, and the registry's RSS once they are.
 */
export async function lookupCases(options: BenchOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const size of options.lookupSizes) {
    const registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir('bench-lookup-') });
    try {
      await fill(registry.url, size);
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
