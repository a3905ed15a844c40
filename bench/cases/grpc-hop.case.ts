import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { startFloor, startSystem } from '../harness/topology';

/**
 * The gRPC hop beside the HTTP hop: the same gateway, the same calc and the same load, through
 * `GET /grpc/calc/add/1/2` (gRPC to calc) and `GET /calc/add/1/2` (HTTP to calc), in alternating rounds.
 * The HTTP hop is the row's floor, so the ratio column reads "gRPC hop / HTTP hop". And the gRPC hop beside
 * its own floor — a minimal Nest gateway and a bare grpc-js client and server — which shows what grpc-js
 * itself costs on this machine against what the project adds.
 */
export async function grpcHopCase(options: BenchOptions): Promise<ResultRow[]> {
  // One calc, as in the floors: the same two processes on the hop.
  const system = await startSystem({}, 1);
  const floor = await startFloor('grpc');
  try {
    const hop = (path: string) => ({ ...options, url: `${system.gateway.url}${path}`, pids: system.pids });
    const overHttp = await compare(hop('/grpc/calc/add/1/2'), hop('/calc/add/1/2'), options.rounds);
    const overGrpcJs = await compare(hop('/grpc/calc/add/1/2'), { ...options, url: `${floor.gateway.url}/grpc/calc/add/1/2`, pids: floor.pids }, options.rounds);
    return [
      {
        case: 'gateway → calc over gRPC (GrpcServiceClient); floor = the same hop over HTTP',
        ...overHttp,
        target: '≥ 60% of floor req/s',
        met: ratio(overHttp.subject.requestsPerSecond, overHttp.floor.requestsPerSecond) >= 0.6,
      },
      { case: 'gateway → calc over gRPC (GrpcServiceClient); floor = minimal Nest gateway → bare grpc-js client and server', ...overGrpcJs },
    ];
  } finally {
    await system.stop();
    await floor.stop();
  }
}
