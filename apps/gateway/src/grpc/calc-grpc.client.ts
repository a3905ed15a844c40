import { GrpcClientOptions, protoFile } from '@nest-discovery/discovery';

/** Injection name of the gateway's gRPC client of calc. */
export const CALC_GRPC_CLIENT = 'calc';

/** calc.Calculator (proto/calc.proto) at each `calc` instance's `grpc` endpoint; every method is idempotent. */
export function calcGrpcClient(): GrpcClientOptions {
  return {
    name: CALC_GRPC_CLIENT,
    service: 'calc',
    protoPath: protoFile('calc.proto'),
    grpcService: 'calc.Calculator',
    idempotent: true,
  };
}
