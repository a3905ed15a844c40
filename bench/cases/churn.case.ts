import type { ServiceWatchAnswer } from '@nest-discovery/registry-api';
import { Pool, request } from 'undici';
import { BenchOptions } from '../harness/bench-options';
import { LoadResult } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { RunningApp, startRegistry, tmpDir } from '../harness/topology';

const HEADERS = { 'content-type': 'application/json' };
/** Long polls following two churned services each during the churn, as the library's watch does. */
const WATCHERS = 4;
/** Sequential lookup loops of an unrelated service during the churn. */
const LOOKUP_LOOPS = 2;

// Fake instances on loopback addresses nobody listens at, without checks (no probes), TTL only; the warm-up's
// (`prefix` warm) on other ports.
function body(i: number, prefix = 'churn'): string {
  return JSON.stringify({
    id: `${prefix}-${i}`,
    name: `${prefix}-${i % 100}`,
    host: `127.0.0.${2 + (i % 253)}`,
    port: (prefix === 'churn' ? 20_000 : 40_000) + Math.floor(i / 253),
    ttlSeconds: 600,
    tags: ['v1'],
    metadata: { zone: `zone-${i % 3}` },
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/** Sends registration `i` for every i below `count` from `clients` loops at once; resolves with the rate (per second). */
async function postAll(pool: Pool, count: number, clients: number, query: string, expected: number, prefix?: string): Promise<{ rate: number; errors: number }> {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < count; i = next++) {
        const response = await pool.request({ method: 'POST', path: `/register${query}`, headers: HEADERS, body: body(i, prefix) });
        await response.body.dump();
        if (response.statusCode !== expected) errors++;
      }
    }),
  );
  return { rate: (count * 1000) / (performance.now() - started), errors };
}

/**
 * A watch loop like the library's: follows the services it calls (two of the churned ones) through
 * `GET /watch/services`, parked on the revision and epoch it holds, and reads each answer (deltas under churn).
 */
async function watchLoop(pool: Pool, watcher: number, stop: { stopped: boolean }, prefix = 'churn'): Promise<number> {
  const services = `${prefix}-${watcher * 2},${prefix}-${watcher * 2 + 1}`;
  let held = '';
  let answers = 0;
  while (!stop.stopped) {
    const response = await pool.request({ method: 'GET', path: `/watch/services?services=${services}${held}&timeoutSeconds=1` });
    const answer = (await response.body.json()) as ServiceWatchAnswer;
    held = `&revision=${answer.revision}&epoch=${answer.epoch}`;
    answers++;
  }
  return answers;
}

/**
 * Warms the registry's request paths before anything is timed — new registrations while watchers follow some
 * of them, then renewals and lookups — so that neither the churn nor the renewals after it are timed on paths the
 * JIT has not seen: the renewal rate is measured after the churn, on a process the churn warmed, while the
 * new-registration and watch paths were first compiled during the timed churn (and the shared HTTP code
 * de-optimized when the first watch answers went through it: `--trace-deopt` shows it). The warm instances
 * (`warm-*`, a fifth of the churn's number) stay registered through the churn.
 */
async function warmUp(pool: Pool, watchPool: Pool, requests: number, clients: number): Promise<void> {
  const stop = { stopped: false };
  const watchers = Array.from({ length: WATCHERS }, (_, watcher) => watchLoop(watchPool, watcher, stop, 'warm'));
  await postAll(pool, Math.ceil(requests / 5), clients, '?answer=none', 201, 'warm');
  stop.stopped = true;
  await Promise.all(watchers);
  let sent = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = sent++; i < requests; i = sent++) {
        const renewal = await pool.request({ method: 'POST', path: '/register?answer=none', headers: HEADERS, body: targetBody(i % 3) });
        await renewal.body.dump();
        const lookup = await pool.request({ method: 'GET', path: '/service/lookup-target' });
        await lookup.body.dump();
      }
    }),
  );
}

function targetBody(i: number): string {
  return JSON.stringify({ id: `lookup-target-${i}`, name: 'lookup-target', host: '127.0.0.2', port: 5000 + i, ttlSeconds: 600 });
}

async function lookupLoop(registry: RunningApp, stop: { stopped: boolean }, into: number[]): Promise<void> {
  while (!stop.stopped) {
    const started = performance.now();
    const response = await request(`${registry.url}/service/lookup-target`);
    await response.body.dump();
    into.push(performance.now() - started);
  }
}

/**
 * Case: churn. `churnRegistrations` new instances registered by `churnClients` clients at once (`?answer=none`,
 * as the library registers), while four watchers follow two of the churned services each and lookups of an unrelated service are
 * timed; then the same instances renewed the same way, for the renewal rate beside it, with the same lookups timed: what the
 * load alone (64 busy clients, no churn) costs a lookup on this machine, the floor of the p99 target. Both on a warmed
 * process (as many renewals and lookups of the lookup target first, untimed).
 */
export async function churnCase(options: BenchOptions): Promise<ResultRow> {
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-churn-') });
  const pool = new Pool(registry.url, { connections: options.churnClients });
  const watchPool = new Pool(registry.url, { connections: WATCHERS });
  try {
    for (let i = 0; i < 3; i++) await fetch(`${registry.url}/register`, { method: 'POST', headers: HEADERS, body: targetBody(i) });
    await warmUp(pool, watchPool, options.churnRegistrations, options.churnClients);
    const stop = { stopped: false };
    const lookups: number[] = [];
    const watchers = Array.from({ length: WATCHERS }, (_, watcher) => watchLoop(watchPool, watcher, stop));
    const lookupLoops = Array.from({ length: LOOKUP_LOOPS }, () => lookupLoop(registry, stop, lookups));
    const churn = await postAll(pool, options.churnRegistrations, options.churnClients, '?answer=none', 201);
    stop.stopped = true;
    const watchAnswers = (await Promise.all(watchers)).reduce((sum, count) => sum + count, 0);
    await Promise.all(lookupLoops);
    // The same lookups during the renewal flood: what 64 busy clients cost a lookup on this machine without churn.
    const floorStop = { stopped: false };
    const floorLookups: number[] = [];
    const floorLoops = Array.from({ length: LOOKUP_LOOPS }, () => lookupLoop(registry, floorStop, floorLookups));
    const renewal = await postAll(pool, options.churnRegistrations, options.churnClients, '?answer=none', 200);
    floorStop.stopped = true;
    await Promise.all(floorLoops);
    const sorted = [...lookups].sort((a, b) => a - b);
    const floorSorted = [...floorLookups].sort((a, b) => a - b);
    const subject: LoadResult = {
      requestsPerSecond: churn.rate,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      requests: options.churnRegistrations,
      errors: churn.errors,
    };
    const floor: LoadResult = {
      requestsPerSecond: renewal.rate,
      p50Ms: percentile(floorSorted, 0.5),
      p99Ms: percentile(floorSorted, 0.99),
      requests: options.churnRegistrations,
      errors: renewal.errors,
    };
    return {
      case: `churn: ${options.churnRegistrations.toLocaleString('en-US')} new registrations from ${options.churnClients} clients; floor = renewing them alike`,
      subject,
      floor,
      target: '≥ 50% of the renewal rate, lookup p99 < 20 ms',
      met: ratio(churn.rate, renewal.rate) >= 0.5 && subject.p99Ms < 20 && churn.errors === 0,
      note:
        `p50/p99 columns: ${sorted.length} lookups of an unrelated service during the churn; ${watchAnswers} watch answers to ${WATCHERS} watchers; ` +
        `floor p50/p99: ${floorSorted.length} such lookups during the renewal flood (lookup p99 ${ratio(subject.p99Ms, floor.p99Ms).toFixed(2)}× the floor's)`,
    };
  } finally {
    await pool.close();
    await watchPool.destroy();
    await registry.stop();
  }
}
