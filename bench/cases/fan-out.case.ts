import { Pool } from 'undici';
import { BenchOptions } from '../harness/bench-options';
import { ResultRow } from '../harness/result-row';
import { RunningApp, startRegistry, tmpDir, waitFor } from '../harness/topology';

const HEADERS = { 'content-type': 'application/json' };

async function revisionOf(registry: RunningApp): Promise<number> {
  return ((await (await fetch(`${registry.url}/services`)).json()) as { revision: number }).revision;
}

async function parkedWatches(registry: RunningApp): Promise<number> {
  const page = await (await fetch(`${registry.url}/metrics`)).text();
  return Number(/^registry_watches_open (\d+)/m.exec(page)?.[1] ?? 0);
}

/**
 * One round: `watchers` long polls parked on the current revision, then one registration; the time from
 * sending it until each watcher has read its whole answer (ms, sorted). Every byte of every answer is read
 * and counted against its content-length, but not decoded: the time is the registry's answering, not the
 * bench process's JSON parsing (it shares the two cores with the registry).
 */
async function round(registry: RunningApp, pool: Pool, watchers: number, id: string): Promise<number[]> {
  const revision = await revisionOf(registry);
  let sentAt = 0;
  const answered = Array.from({ length: watchers }, async () => {
    const response = await pool.request({ method: 'GET', path: `/watch?revision=${revision}&timeoutSeconds=60` });
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    const answeredAt = performance.now() - sentAt;
    if (response.statusCode !== 200) throw new Error(`watch answered ${response.statusCode}`);
    if (bytes === 0 || String(bytes) !== response.headers['content-length']) throw new Error(`watch answer of ${bytes} bytes`);
    return answeredAt;
  });
  await waitFor(async () => (await parkedWatches(registry)) >= watchers, { timeoutMs: 30_000, message: `${watchers} parked watches` });
  sentAt = performance.now();
  const registered = await fetch(`${registry.url}/register?answer=none`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ id, name: 'fan-out', host: '127.0.0.2', port: 4000, ttlSeconds: 600 }),
  });
  if (!registered.ok) throw new Error(`register answered ${registered.status}`);
  return (await Promise.all(answered)).sort((a, b) => a - b);
}

/**
 * Case: fan-out of one change. `fanOutWatchers` long polls (`GET /watch?revision=N`) parked at once, one
 * registration, and the time until the last watcher has its answer (the median of `fanOutRounds` rounds).
 * The watchers are an undici pool of as many keep-alive connections, as that many library instances would
 * each hold one: a connection opened and closed per long poll made the bench process, not the registry,
 * what the last answer waited for.
 */
export async function fanOutCase(options: BenchOptions): Promise<ResultRow> {
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-fan-out-') });
  const pool = new Pool(registry.url, { connections: options.fanOutWatchers });
  try {
    const rounds: number[][] = [];
    for (let i = 0; i < options.fanOutRounds; i++) rounds.push(await round(registry, pool, options.fanOutWatchers, `fan-out-${i}`));
    const byLast = [...rounds].sort((a, b) => a[a.length - 1] - b[b.length - 1]);
    const times = byLast[Math.floor(byLast.length / 2)];
    const at = (p: number): number => times[Math.min(times.length - 1, Math.floor((times.length - 1) * p))];
    const last = times[times.length - 1];
    return {
      case: `fan-out: one registration → ${options.fanOutWatchers.toLocaleString('en-US')} parked watches answered (median of ${rounds.length} rounds)`,
      subject: { requestsPerSecond: 0, p50Ms: at(0.5), p99Ms: last, requests: times.length, errors: 0 },
      target: 'last < 200 ms',
      met: last < 200,
      note: `first ${times[0].toFixed(1)} ms, median ${at(0.5).toFixed(1)} ms, last ${last.toFixed(1)} ms (p99 column = last)`,
    };
  } finally {
    await pool.destroy();
    await registry.stop();
  }
}
