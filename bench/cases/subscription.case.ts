import { Pool } from 'undici';
import type { ServiceWatchAnswer } from '@nest-discovery/registry-api';
import { BenchOptions } from '../harness/bench-options';
import { ResultRow } from '../harness/result-row';
import { rssMiB, RunningApp, startRegistry, tmpDir, waitFor } from '../harness/topology';
import { seededInstance, seedSnapshot } from './lookup.case';

const PER_SERVICE = 100;
const HEADERS = { 'content-type': 'application/json' };
/** Watcher i follows one of at most this many shared services (`svc-(i % hot)`) and one of its own. */
const HOT = 20;

/** The seeded instance `index` as its app would renew it: the same fields, so no revision (or new metadata: one). */
function seeded(index: number, metadata?: Record<string, string>): Record<string, unknown> {
  const { id, name, host, port, tags, metadata: seededMetadata, ttlSeconds } = seededInstance(index, PER_SERVICE);
  return { id, name, host, port, tags, metadata: metadata ?? seededMetadata, ttlSeconds };
}

interface Watcher {
  readonly services: string[];
  revision?: number;
  epoch?: string;
  /** A long poll is out (sent, not answered). */
  polling: boolean;
  /** performance.now() of each answer, and its size. */
  readonly answers: Array<{ at: number; bytes: number; full: boolean }>;
}

async function parked(registry: RunningApp): Promise<number> {
  const page = await (await fetch(`${registry.url}/metrics`)).text();
  return Number(/^registry_subscription_watches_open (\d+)/m.exec(page)?.[1] ?? 0);
}

/** One watcher's loop of long polls until `stopped()`; the first answer is the full listing. */
async function follow(pool: Pool, watcher: Watcher, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    let path = `/watch/services?services=${watcher.services.join(',')}&timeoutSeconds=120`;
    if (watcher.revision !== undefined) path += `&revision=${watcher.revision}&epoch=${watcher.epoch}`;
    watcher.polling = true;
    const response = await pool.request({ method: 'GET', path });
    const text = await response.body.text();
    const at = performance.now();
    watcher.polling = false;
    if (response.statusCode !== 200) throw new Error(`watch answered ${response.statusCode}: ${text.slice(0, 200)}`);
    const answer = JSON.parse(text) as ServiceWatchAnswer;
    watcher.revision = answer.revision;
    watcher.epoch = answer.epoch;
    watcher.answers.push({ at, bytes: Buffer.byteLength(text), full: answer.full });
  }
}

/** `count` POST /register calls, `concurrency` at a time; calls per second. */
async function registerRate(registry: RunningApp, bodies: (i: number) => unknown, count: number, concurrency = 8): Promise<number> {
  const pool = new Pool(registry.url, { connections: concurrency });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const body = JSON.stringify(bodies(next++));
        const response = await pool.request({ method: 'POST', path: '/register?answer=none', headers: HEADERS, body });
        await response.body.dump();
        if (response.statusCode >= 300) throw new Error(`register answered ${response.statusCode}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.destroy();
  return count / seconds;
}

/**
 * Case: subscriptions on a big registry. `fatServices` services of 100 instances restored from a snapshot;
 * `subscriptionWatchers` watchers on `GET /watch/services`, each following 2 services (one of 20 shared
 * ones and one of its own). Each round changes one instance of a shared service (its metadata, by a
 * renewal) and times the answers of that service's watchers; every other watcher must stay parked. Then
 * the registry's RSS, and 1,000 new registrations in a row against as many renewals.
 */
export async function subscriptionCase(options: BenchOptions): Promise<ResultRow> {
  const dataDir = tmpDir('bench-subscription-');
  const count = options.fatServices * PER_SERVICE;
  seedSnapshot(dataDir, count, PER_SERVICE);
  const registry = await startRegistry({ REGISTRY_DATA_DIR: dataDir }, 60_000);
  const rssAtStart = (await rssMiB(registry.pid)) * 1.048576;
  const hotCount = Math.max(1, Math.min(HOT, Math.floor(options.fatServices / 2)));
  const watchers: Watcher[] = Array.from({ length: options.subscriptionWatchers }, (_, i) => ({
    services: [`svc-${i % hotCount}`, `svc-${hotCount + (i % (options.fatServices - hotCount))}`],
    answers: [],
    polling: false,
  }));
  const pool = new Pool(registry.url, { connections: watchers.length });
  let stop = false;
  const failures: unknown[] = [];
  // Errors kept for the end (the pool's destruction ends the loops with one each: ignored).
  const loops = watchers.map((watcher) => follow(pool, watcher, () => stop).catch((error: unknown) => void (stop || failures.push(error))));
  try {
    const latencies: number[] = [];
    let spurious = 0;
    let largest = 0;
    // Once, the registry's own count; then the watchers' side (a scrape of /metrics counts the 100k instances,
    // load that polling it every round would add to what is measured).
    await waitFor(async () => failures.length > 0 || (await parked(registry)) >= watchers.length, { timeoutMs: 60_000, message: 'every watcher parked' });
    for (let round = 0; round < options.subscriptionRounds; round++) {
      await waitFor(() => failures.length > 0 || watchers.every((watcher) => watcher.polling), { timeoutMs: 10_000, message: 'every watcher polling' });
      if (failures.length > 0) throw failures[0];
      // Time for the last re-sent polls to reach the registry and park.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const hot = round % hotCount;
      const woken = watchers.filter((watcher) => watcher.services[0] === `svc-${hot}`);
      const before = watchers.map((watcher) => watcher.answers.length);
      const sentAt = performance.now();
      const renewed = await fetch(`${registry.url}/register?answer=none`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify(seeded(hot * PER_SERVICE, { round: String(round) })),
      });
      if (!renewed.ok) throw new Error(`renewal answered ${renewed.status}`);
      await waitFor(() => woken.every((watcher) => watcher.answers.length > before[watchers.indexOf(watcher)]), {
        timeoutMs: 10_000,
        message: `the ${woken.length} watchers of svc-${hot}`,
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      watchers.forEach((watcher, index) => {
        const fresh = watcher.answers.slice(before[index]);
        if (!woken.includes(watcher)) spurious += fresh.length;
        else latencies.push(fresh[0].at - sentAt);
        for (const answer of fresh) largest = Math.max(largest, answer.bytes);
      });
    }
    if (failures.length > 0) throw failures[0];
    const rss = (await rssMiB(registry.pid)) * 1.048576;
    const firstFull = Math.max(...watchers.map((watcher) => watcher.answers[0]?.bytes ?? 0));

    // Renewals of the last service's instances (unchanged: no revision), then 1,000 new registrations.
    const last = (options.fatServices - 1) * PER_SERVICE;
    const renewals = await registerRate(registry, (i) => seeded(last + (i % PER_SERVICE)), 1000);
    const fresh = await registerRate(registry, (i) => ({ id: `fresh-${i}`, name: `fresh-${i % 50}`, host: '127.0.0.3', port: 9000 + i, ttlSeconds: 3600 }), 1000);

    latencies.sort((a, b) => a - b);
    const at = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length - 1) * p))];
    const met = at(0.99) < 50 && spurious === 0 && largest < 10_240 && rss < 400 && fresh >= 0.5 * renewals;
    return {
      case: `subscriptions: ${count.toLocaleString('en-US')} instances in ${options.fatServices.toLocaleString('en-US')} services, ${watchers.length} watchers × 2 services, one change per round (${options.subscriptionRounds} rounds)`,
      subject: { requestsPerSecond: 0, p50Ms: at(0.5), p99Ms: at(0.99), requests: latencies.length, errors: spurious },
      target: "p99 < 50 ms to the service's watchers, nobody else woken, every answer < 10 KB, RSS < 400 MB, new registrations ≥ 0.5× renewals",
      met,
      note:
        `woken elsewhere ${spurious}; largest change answer ${(largest / 1024).toFixed(1)} KB (first full answer ${(firstFull / 1024).toFixed(1)} KB); ` +
        `RSS ${rss.toFixed(0)} MB (${rssAtStart.toFixed(0)} MB after start); new registrations ${fresh.toFixed(0)}/s vs renewals ${renewals.toFixed(0)}/s`,
    };
  } finally {
    stop = true;
    await pool.destroy().catch(() => undefined);
    await Promise.all(loops);
    await registry.stop();
  }
}
