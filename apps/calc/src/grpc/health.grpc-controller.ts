import { status } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';

/** What grpc.health.v1 `Check` answers (proto/health.proto; enums as their names). */
export interface HealthCheckResponse {
  status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
}

/** The services this server reports on: the server as a whole (`''`) and calc.Calculator. */
const SERVICES = new Set(['', 'calc.Calculator']);

/**
 * grpc.health.v1.Health/Check (the standard health protocol; the registry's `grpc` checks call it). A
 * server that answers at all is serving: the handlers need nothing but the process. An unknown service is
 * NOT_FOUND, as the protocol asks. `Watch` is left unimplemented (grpc-js answers UNIMPLEMENTED).
 */
@Controller()
export class HealthGrpcController {
  @GrpcMethod('Health', 'Check')
  check(request: { service?: string }): HealthCheckResponse {
    const service = request.service ?? '';
    if (!SERVICES.has(service)) throw new RpcException({ code: status.NOT_FOUND, message: `unknown service "${service}"` });
    return { status: 'SERVING' };
  }
}
