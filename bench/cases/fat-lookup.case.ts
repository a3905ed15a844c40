import { BenchOptions } from '../harness/bench-options';
import { load } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { rssMiB, startRegistry, tmpDir } from '../harness/topology';
import { seedSnapshot } from './lookup.case';

const PER_SERVICE = 100;

/**
 * Case: fat services. `fatServices` services of 100 instances each restored from a snapshot; the registry's
 * RSS right after start, and `GET /service/svc-0` (one 100-instance service) under load.
 */
export async function fatLookupCase(options: BenchOptions): Promise<ResultRow> {
  const dataDir = tmpDir('bench-fat-lookup-');
  const count = options.fatServices * PER_SERVICE;
  seedSnapshot(dataDir, count, PER_SERVICE);
  const registry = await startRegistry({ REGISTRY_DATA_DIR: dataDir }, 60_000);
  try {
    const seeded = (await (await fetch(`${registry.url}/service/svc-${options.fatServices - 1}`)).json()) as unknown[];
    if (seeded.length !== PER_SERVICE) throw new Error(`registry did not restore the ${count} seeded instances`);
    const rss = await rssMiB(registry.pid);
    const subject = await load({ ...options, url: `${registry.url}/service/svc-0`, pids: [registry.pid] });
    const mb = rss * 1.048576;
    return {
      case: `registry lookup of a 100-instance service, ${options.fatServices.toLocaleString('en-US')} such services restored from a snapshot`,
      subject,
      target: 'p99 < 10 ms, RSS after start < 300 MB',
      met: subject.p99Ms < 10 && mb < 300,
      note: `registry RSS after start ${mb.toFixed(0)} MB (${rss.toFixed(0)} MiB)`,
    };
  } finally {
    await registry.stop();
  }
}
