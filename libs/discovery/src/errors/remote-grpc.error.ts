import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { grpcStatusAsHttp, isRetryableStatus } from '../resilience/retry.policy';
import { DiscoveryError } from './discovery.error';
import { REMOTE_GRPC_ERROR } from './error.messages';

/** What a gateway answers for a gRPC status: the caller's mistakes pass through, the rest is the upstream's fault. */
const GATEWAY_STATUS: Partial<Record<GrpcStatus, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DEADLINE_EXCEEDED]: 504,
};

/**
 * A gRPC call ended with a status other than OK (after any retries). `status` is the gRPC code,
 * `details` the server's message, `trailers` its trailing metadata. `httpStatus` is what a gateway
 * answers: INVALID_ARGUMENT 400, NOT_FOUND 404, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, anything else 502.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof RemoteGrpcError && e.status === status.INVALID_ARGUMENT) ... }
 * ```
 */
export class RemoteGrpcError extends DiscoveryError {
  readonly code = 'REMOTE_GRPC_ERROR';
  readonly retryable: boolean;
  readonly httpStatus: number;
  /** The status code's name, e.g. `INVALID_ARGUMENT`. */
  readonly statusName: string;

  constructor(
    readonly service: string,
    /** Wire path of the method, e.g. `/calc.Calculator/Div`. */
    readonly path: string,
    readonly instance: ServiceInstance,
    readonly status: GrpcStatus,
    readonly details: string,
    readonly trailers: Metadata,
  ) {
    const statusName = GrpcStatus[status] ?? `status ${status}`;
    super(REMOTE_GRPC_ERROR(service, `${instance.host}:${instance.port}`, statusName, path, details));
    this.statusName = statusName;
    this.retryable = isRetryableStatus(grpcStatusAsHttp(status));
    this.httpStatus = GATEWAY_STATUS[status] ?? 502;
  }
}
