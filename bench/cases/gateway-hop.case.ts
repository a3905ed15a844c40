import { BenchOptions } from '../harness/bench-options';
import { compare, LoadOptions } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { startFloor, startSystem } from '../harness/topology';

const HOP_TARGET = '≥ 90% of floor req/s, CPU ≤ 1.1× floor, p99 ≤ 1.25× floor';

/**
 * Cases 1 and 2: gateway → calc through the declarative client and through the proxy, each beside the Nest → Nest
 * floor (two minimal Nest apps over an undici pool, no discovery) in alternating rounds; and that floor beside the
 * bare Fastify one, which shows what Nest itself costs on the hop.
 */
export async function gatewayHopCases(options: BenchOptions): Promise<ResultRow[]> {
  const fastifyFloor = await startFloor('fastify');
  const nestFloor = await startFloor('nest');
  // One calc, as in the floor: the same two processes on the hop.
  const system = await startSystem({}, 1);
  try {
    const floorLoad: LoadOptions = { ...options, url: `${nestFloor.gateway.url}/calc/add/1/2`, pids: nestFloor.pids };
    const rows: ResultRow[] = [];
    for (const [name, path] of [
      ['gateway → calc (declarative CalcClient); floor = Nest → Nest over undici', '/calc/add/1/2'],
      ['gateway → calc (generic proxy /api/calc); floor = Nest → Nest over undici', '/api/calc/add/1/2'],
    ]) {
      const measured = await compare({ ...options, url: `${system.gateway.url}${path}`, pids: system.pids }, floorLoad, options.rounds);
      const cpu = measured.subject.cpuMicrosPerRequest;
      const floorCpu = measured.floor.cpuMicrosPerRequest;
      const met =
        ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond) >= 0.9 &&
        (cpu === undefined || floorCpu === undefined || cpu <= floorCpu * 1.1) &&
        measured.subject.p99Ms <= measured.floor.p99Ms * 1.25;
      rows.push({ case: name, ...measured, target: HOP_TARGET, met });
    }
    const nestCost = await compare(floorLoad, { ...options, url: `${fastifyFloor.gateway.url}/calc/add/1/2`, pids: fastifyFloor.pids }, options.rounds);
    rows.push({ case: 'floor: Nest → Nest over undici; floor = Fastify → Fastify over undici (what Nest itself costs)', ...nestCost });
    return rows;
  } finally {
    await system.stop();
    await nestFloor.stop();
    await fastifyFloor.stop();
  }
}
