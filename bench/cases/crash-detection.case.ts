import { BenchOptions } from '../harness/bench-options';
import { ResultRow } from '../harness/result-row';
import { RunningApp, startApp, startRegistry, tmpDir } from '../harness/topology';

interface Listed {
  id: string;
  port: number;
}

interface WatchAnswer {
  revision: number;
  services: Record<string, Listed[]>;
}

/**
 * Follows the registry's long poll, as every client does, from the moment it is called, and resolves with
 * the time (performance.now()) of the first answer in which no routable calc listens on `port`.
 */
async function unroutableAt(registryUrl: string, port: number): Promise<number> {
  let revision = ((await (await fetch(`${registryUrl}/services`)).json()) as WatchAnswer).revision;
  for (;;) {
    const answer = (await (await fetch(`${registryUrl}/watch?revision=${revision}&timeoutSeconds=10`)).json()) as WatchAnswer;
    if (!(answer.services.calc ?? []).some((instance) => instance.port === port)) return performance.now();
    revision = answer.revision;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/** One calc stopped `how`, from the signal to the watch answer without it. */
async function oneStop(registry: RunningApp, how: 'kill' | 'stop'): Promise<number> {
  const calc = await startApp('calc', { REGISTRY_URL: registry.url });
  for (let i = 0; ; i++) {
    const listed = (await (await fetch(`${registry.url}/service/calc`)).json()) as Listed[];
    if (listed.some((instance) => instance.port === calc.port)) break;
    if (i > 500) throw new Error('calc did not register');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Its session is opened right after its registration: give it a moment so a kill is a crash of a fully started app.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const seen = unroutableAt(registry.url, calc.port);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the watch is parked
  const at = performance.now();
  if (how === 'kill') await calc.kill();
  else void calc.stop();
  const ms = (await seen) - at;
  await calc.stop();
  return ms;
}

/**
 * Case: a crashed instance (SIGKILL) is unroutable for every watcher within how long, beside a graceful stop
 * (SIGTERM: the app drains itself first). The default TTL (30 s) is what a crash cost before sessions.
 */
export async function crashDetectionCases(options: BenchOptions): Promise<ResultRow[]> {
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-crash-') });
  const crash: number[] = [];
  const graceful: number[] = [];
  try {
    for (let i = 0; i < options.crashTries; i++) {
      crash.push(await oneStop(registry, 'kill'));
      graceful.push(await oneStop(registry, 'stop'));
    }
  } finally {
    await registry.stop();
  }
  const row = (label: string, times: number[], target?: { text: string; met: boolean }): ResultRow => {
    const sorted = [...times].sort((a, b) => a - b);
    const median = percentile(sorted, 0.5);
    const max = sorted[sorted.length - 1];
    return {
      case: `${label} → unroutable for a watcher (${times.length} tries)`,
      subject: { requestsPerSecond: 0, p50Ms: median, p99Ms: max, requests: times.length, errors: 0 },
      ...(target === undefined ? {} : { target: target.text, met: target.met }),
      note: `median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms (p99 column = max); default TTL 30 s`,
    };
  };
  const crashMax = Math.max(...crash);
  return [
    row('crash (SIGKILL)', crash, { text: 'max < 1000 ms', met: crashMax < 1000 }),
    row('graceful stop (SIGTERM)', graceful),
  ];
}
