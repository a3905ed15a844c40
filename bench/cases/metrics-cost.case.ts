import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { startSystem } from '../harness/topology';

const TARGET = 'metrics on ≥ 95% of metrics off req/s';

/**
 * What Prometheus metrics cost on the gateway → calc hop (declarative CalcClient): the same topology
 * twice, each with its own registry, one with metrics on (the default) and one with
 * `DISCOVERY_METRICS=false` on the gateway and the calcs, in alternating rounds. The metrics-off
 * system is the row's floor, so the ratio reads "on / off". Both sides are scraped once before the
 * rounds, so the on side pays for its series being created, as in production.
 */
export async function metricsCostCase(options: BenchOptions): Promise<ResultRow> {
  const on = await startSystem();
  const off = await startSystem({ DISCOVERY_METRICS: 'false' });
  try {
    const scraped = await fetch(`${on.gateway.url}/metrics`);
    if (!scraped.ok || !(await scraped.text()).includes('discovery_client_requests_total')) {
      throw new Error('the metrics-on gateway does not serve its client metrics');
    }
    if ((await fetch(`${off.gateway.url}/metrics`)).status !== 404) throw new Error('the metrics-off gateway still serves /metrics');
    const hop = (system: typeof on) => ({ ...options, url: `${system.gateway.url}/calc/add/1/2`, pids: system.pids });
    // One-second rounds (15 of each in the full run): the two sides differ by a few per cent at most, less
    // than the drift of a shared machine over a 3 s round, so they are interleaved as finely as autocannon allows.
    const measured = await compare(hop(on), hop(off), Math.max(options.rounds, options.durationSeconds));
    const met = ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond) >= 0.95;
    const name = 'metrics cost: gateway → calc (declarative), metrics on; floor = DISCOVERY_METRICS=false';
    return { case: name, ...measured, target: TARGET, met };
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
}
