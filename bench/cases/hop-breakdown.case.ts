import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchOptions } from '../harness/bench-options';
import { COMPONENTS, Component, cpuBreakdown } from '../harness/cpu-breakdown';
import { load, LoadResult, processCpuMs } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { startFloor, startSystem, tmpDir, waitFor } from '../harness/topology';

const PRELOAD = join(__dirname, '..', 'harness', 'cpu-profiler.preload.js');

/**
 * The gateway route profiled: the declarative hop by default; `BENCH_BREAKDOWN_PATH=/api/calc/add/1/2` profiles the
 * generic proxy's instead (same calc answer, same floor).
 */
function profiledRoute(): { path: string; label: string } {
  const path = process.env.BENCH_BREAKDOWN_PATH ?? '/calc/add/1/2';
  return { path, label: path.startsWith('/calc/') ? 'declarative' : `generic proxy ${path}` };
}

/** Profiles `pids` (gateway first, then calc) under a load of `rate` req/s: the load's result and each process's CPU split by component. */
async function profiled(url: string, pids: number[], dir: string, options: BenchOptions): Promise<{ result: LoadResult; parts: Array<Map<Component, number>> }> {
  await load({ ...options, url, overallRate: options.profileRate, durationSeconds: Math.max(1, options.warmupSeconds), warmupSeconds: 0 });
  for (const pid of pids) process.kill(pid, 'SIGWINCH');
  const before = pids.map(processCpuMs);
  const loaded = await load({ ...options, url, overallRate: options.profileRate, warmupSeconds: 0 });
  const cpu = pids.map((pid, i) => ((processCpuMs(pid) - before[i]) * 1000) / loaded.requests);
  const result = { ...loaded, cpuMicrosPerRequest: cpu.reduce((sum, value) => sum + value, 0) };
  for (const pid of pids) process.kill(pid, 'SIGWINCH');
  const files = pids.map((pid) => join(dir, `${pid}.cpuprofile`));
  await waitFor(() => files.every((file) => existsSync(file)), { timeoutMs: 10_000, message: 'CPU profiles written' });
  // The file appears before its last write ends: wait until each parses.
  await waitFor(() => files.every((file) => { try { JSON.parse(readFileSync(file, 'utf8')); return true; } catch { return false; } }), { timeoutMs: 10_000, message: 'CPU profiles complete' });
  return { result, parts: files.map((file, i) => cpuBreakdown(file, cpu[i])) };
}

const cell = (value: number): string => (value >= 0.05 ? value.toFixed(1) : '·');

/**
 * Where the declarative hop's CPU goes, beside the Nest → Nest floor's: both pairs profiled (V8's sampling
 * profiler, started and stopped by signal around the load) at the same request rate, one each can sustain,
 * so neither is measured more saturated than the other. Each process's measured CPU per request is split by
 * the share of its profile each component took. The row compares CPU per request at that equal rate.
 */
export async function hopBreakdownCase(options: BenchOptions): Promise<ResultRow> {
  const dir = tmpDir('bench-profile-');
  const env = { NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_PROFILE_DIR: dir };
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, BENCH_PROFILE_DIR: process.env.BENCH_PROFILE_DIR };
  // The floor's scripts take their environment from the bench process's.
  Object.assign(process.env, env);
  let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
  let system: Awaited<ReturnType<typeof startSystem>> | undefined;
  try {
    floor = await startFloor('nest');
    system = await startSystem(env, 1);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  try {
    // The registry is not on the hop: only the gateway and the calc are profiled.
    const route = profiledRoute();
    const subject = await profiled(`${system!.gateway.url}${route.path}`, [system!.gateway.pid, system!.calcs[0].pid], dir, options);
    const base = await profiled(`${floor!.gateway.url}/calc/add/1/2`, floor!.pids, dir, options);
    const lines = [
      `CPU µs per request at ${options.profileRate} req/s, gateway → calc (${route.label}) beside the Nest → Nest floor, split by component (\`npm run bench -- breakdown\`):`,
      '',
      '| component | gateway | calc | floor gateway | floor calc | hop − floor |',
      '|---|---:|---:|---:|---:|---:|',
    ];
    const total = [0, 0, 0, 0];
    for (const component of COMPONENTS) {
      const values = [subject.parts[0], subject.parts[1], base.parts[0], base.parts[1]].map((part) => part.get(component) ?? 0);
      values.forEach((value, i) => (total[i] += value));
      if (values.every((value) => value < 0.05)) continue;
      lines.push(`| ${component} | ${values.map(cell).join(' | ')} | ${(values[0] + values[1] - values[2] - values[3]).toFixed(1)} |`);
    }
    lines.push(`| **total** | ${total.map((value) => value.toFixed(1)).join(' | ')} | ${(total[0] + total[1] - total[2] - total[3]).toFixed(1)} |`);
    return {
      case: `gateway → calc (${route.label}) at ${options.profileRate} req/s, profiled; floor = Nest → Nest over undici at the same rate`,
      subject: subject.result,
      floor: base.result,
      note: `CPU ${(subject.result.cpuMicrosPerRequest! / base.result.cpuMicrosPerRequest!).toFixed(2)}× the floor's at equal load`,
      detail: lines.join('\n'),
    };
  } finally {
    await system?.stop();
    await floor?.stop();
  }
}
