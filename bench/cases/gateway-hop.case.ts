import { BenchOptions } from '../harness/bench-options';
import { load, LoadOptions } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { startFloor, startSystem } from '../harness/topology';

const HOP_TARGET = '≥ 85% of floor req/s, p99 ≤ 1.25× floor';

/** Cases 1 and 2: gateway → calc through the declarative client and through the proxy, beside the floor. */
export async function gatewayHopCases(options: BenchOptions): Promise<ResultRow[]> {
  const shape = (url: string): LoadOptions => ({ url, ...options });

  const floor = await startFloor();
  const floorResult = await load(shape(`${floor.gateway.url}/calc/add/1/2`)).finally(() => floor.stop());

  const system = await startSystem();
  try {
    const declarative = await load(shape(`${system.gateway.url}/calc/add/1/2`));
    const proxy = await load(shape(`${system.gateway.url}/api/calc/add/1/2`));
    const meets = (subject: typeof declarative): boolean =>
      ratio(subject.requestsPerSecond, floorResult.requestsPerSecond) >= 0.85 && subject.p99Ms <= floorResult.p99Ms * 1.25;
    return [
      { case: 'gateway → calc (declarative CalcClient)', subject: declarative, floor: floorResult, target: HOP_TARGET, met: meets(declarative) },
      { case: 'gateway → calc (generic proxy /api/calc)', subject: proxy, floor: floorResult, target: HOP_TARGET, met: meets(proxy) },
    ];
  } finally {
    await system.stop();
  }
}
