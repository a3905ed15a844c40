import { BenchOptions } from '../harness/bench-options';
import { compare, LoadOptions } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { startFloor, startSystem } from '../harness/topology';

const HOP_TARGET = '≥ 85% of floor req/s, p99 ≤ 1.25× floor';

/** Cases 1 and 2: gateway → calc through the declarative client and through the proxy, beside the floor. */
export async function gatewayHopCases(options: BenchOptions): Promise<ResultRow[]> {
  const floor = await startFloor();
  const system = await startSystem();
  try {
    const floorLoad: LoadOptions = { ...options, url: `${floor.gateway.url}/calc/add/1/2`, pids: floor.pids };
    const rows: ResultRow[] = [];
    for (const [name, path] of [
      ['gateway → calc (declarative CalcClient)', '/calc/add/1/2'],
      ['gateway → calc (generic proxy /api/calc)', '/api/calc/add/1/2'],
    ]) {
      const measured = await compare({ ...options, url: `${system.gateway.url}${path}`, pids: system.pids }, floorLoad, options.rounds);
      const met =
        ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond) >= 0.85 &&
        measured.subject.p99Ms <= measured.floor.p99Ms * 1.25;
      rows.push({ case: name, ...measured, target: HOP_TARGET, met });
    }
    return rows;
  } finally {
    await system.stop();
    await floor.stop();
  }
}
