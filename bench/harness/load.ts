import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Requests per second across all connections; unset: as fast as the server answers. */
  overallRate?: number;
  /** Server processes whose CPU time is charged to the requests (the stable figure on a noisy machine). */
  pids?: number[];
  /** The path of request `n` (counted per load run), for a case whose every request must differ; unset: `url`'s path. */
  pathOf?: (n: number) => string;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  /** CPU time of `pids` per request, in µs; undefined when no pids were given. */
  cpuMicrosPerRequest?: number;
}

// Clock ticks are 100 Hz on Linux: utime and stime (fields 14 and 15 of /proc/<pid>/stat) in ms.
/** CPU time (user + system) a process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function cpuMs(pids: number[]): number {
  let total = 0;
  for (const pid of pids) total += processCpuMs(pid);
  return total;
}

function run(options: LoadOptions, durationSeconds: number): Promise<autocannon.Result> {
  const { pathOf } = options;
  let sent = 0;
  return autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    body: options.body,
    headers: options.headers,
    connections: options.connections,
    duration: durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    ...(pathOf ? { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: pathOf(sent++) }) }] } : {}),
  });
}

async function measureOnce(options: LoadOptions, durationSeconds: number): Promise<LoadResult> {
  const pids = options.pids ?? [];
  const cpuBefore = cpuMs(pids);
  const result = await run(options, durationSeconds);
  const cpu = cpuMs(pids) - cpuBefore;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    cpuMicrosPerRequest: pids.length > 0 && result.requests.total > 0 ? (cpu * 1000) / result.requests.total : undefined,
  };
}

/** Warms the target up (JIT, pools, caches), then measures it with autocannon. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await run(options, options.warmupSeconds);
  return measureOnce(options, options.durationSeconds);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function combine(rounds: LoadResult[]): LoadResult {
  const requests = rounds.reduce((sum, round) => sum + round.requests, 0);
  const cpu = rounds.every((round) => round.cpuMicrosPerRequest !== undefined)
    ? rounds.reduce((sum, round) => sum + (round.cpuMicrosPerRequest ?? 0) * round.requests, 0) / requests
    : undefined;
  return {
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    requests,
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    cpuMicrosPerRequest: cpu,
  };
}

/**
 * Measures a subject beside its floor in alternating rounds (floor, subject, floor, …) and takes the
 * median of each: a burst of noise from elsewhere on the machine then hits both sides alike.
 */
export async function compare(
  subject: LoadOptions,
  floor: LoadOptions,
  rounds = 3,
): Promise<{ subject: LoadResult; floor: LoadResult }> {
  if (floor.warmupSeconds > 0) await run(floor, floor.warmupSeconds);
  if (subject.warmupSeconds > 0) await run(subject, subject.warmupSeconds);
  const roundSeconds = Math.max(1, Math.round(subject.durationSeconds / rounds));
  const floorRounds: LoadResult[] = [];
  const subjectRounds: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) {
    floorRounds.push(await measureOnce(floor, roundSeconds));
    subjectRounds.push(await measureOnce(subject, roundSeconds));
  }
  return { subject: combine(subjectRounds), floor: combine(floorRounds) };
}
