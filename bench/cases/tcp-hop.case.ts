import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { startFloor, startSystem } from '../harness/topology';

const TARGET = 'server CPU per request ≤ Moleculer’s (floor)';

/**
 * The fast lane beside Moleculer, the peer to beat (shared/PERF-NOTES.md): the gateway → one calc over
 * `GET /tcp/calc/add/1/2` (TcpServiceClient, discovery-balanced) against a bare Fastify front calling
 * `broker.call('calc.add')` over Moleculer's TCP transporter to a service node, in alternating rounds, server
 * CPU per request and req/s measured in the same run. And the same hop beside the project's HTTP hop.
 */
export async function tcpHopCase(options: BenchOptions): Promise<ResultRow[]> {
  // One calc, as in the floor: the same two processes on the hop.
  const system = await startSystem({}, 1);
  const floor = await startFloor('moleculer');
  try {
    const hop = (path: string) => ({ ...options, url: `${system.gateway.url}${path}`, pids: system.pids });
    const overMoleculer = await compare(hop('/tcp/calc/add/1/2'), { ...options, url: `${floor.gateway.url}/calc/add/1/2`, pids: floor.pids }, options.rounds);
    const overHttp = await compare(hop('/tcp/calc/add/1/2'), hop('/calc/add/1/2'), options.rounds);
    const cpu = overMoleculer.subject.cpuMicrosPerRequest;
    const floorCpu = overMoleculer.floor.cpuMicrosPerRequest;
    return [
      {
        case: 'gateway → calc over the fast lane (TcpServiceClient); floor = Moleculer: Fastify → broker.call over its TCP transporter → service',
        ...overMoleculer,
        target: TARGET,
        met: cpu === undefined || floorCpu === undefined || cpu <= floorCpu,
      },
      { case: 'gateway → calc over the fast lane (TcpServiceClient); floor = the same hop over HTTP (declarative CalcClient)', ...overHttp },
    ];
  } finally {
    await system.stop();
    await floor.stop();
  }
}
