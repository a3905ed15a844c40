import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { startSystem } from '../harness/topology';

/**
 * The gRPC hop beside the HTTP hop: the same gateway, the same two calcs and the same load, through
 * `GET /grpc/calc/add/1/2` (gRPC to calc) and `GET /calc/add/1/2` (HTTP to calc), in alternating rounds.
 * The HTTP hop is the row's floor, so the ratio column reads "gRPC hop / HTTP hop".
 */
export async function grpcHopCase(options: BenchOptions): Promise<ResultRow> {
  // One calc, as in the floor: the same two processes on the hop.
  const system = await startSystem({}, 1);
  try {
    const hop = (path: string) => ({ ...options, url: `${system.gateway.url}${path}`, pids: system.pids });
    const measured = await compare(hop('/grpc/calc/add/1/2'), hop('/calc/add/1/2'), options.rounds);
    return { case: 'gateway → calc over gRPC (GrpcServiceClient); floor = the same hop over HTTP', ...measured };
  } finally {
    await system.stop();
  }
}
