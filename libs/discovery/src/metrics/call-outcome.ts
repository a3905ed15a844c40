import { status as GrpcStatus } from '@grpc/grpc-js';
import { SERIALIZATION_FAILURE } from '../grpc/unary-attempt';
import { grpcStatusAsHttp } from '../resilience/retry.policy';

/**
 * How one attempt of an outbound call ended, the `outcome` label of the client metrics. The same
 * words for HTTP and gRPC, so one query covers both:
 *
 * - `success`: an answer that is not an error (HTTP 1xx–3xx, gRPC OK);
 * - `client_error`: the caller's mistake, answered (HTTP 4xx; gRPC INVALID_ARGUMENT, NOT_FOUND, … —
 *   the codes that map to 4xx; a request that could not be encoded);
 * - `server_error`: the instance answered with a failure (HTTP 5xx; gRPC INTERNAL, UNKNOWN, …);
 * - `timeout`: no answer within the timeout or deadline;
 * - `unavailable`: no answer at all (connection refused or reset; gRPC UNAVAILABLE);
 * - `cancelled`: the caller gave up (its AbortSignal fired);
 * - `no_instance`: no instance could be picked (none registered, all ejected): the call never left.
 */
export type CallOutcome =
  | 'success'
  | 'client_error'
  | 'server_error'
  | 'timeout'
  | 'unavailable'
  | 'cancelled'
  | 'no_instance';

/** The `protocol` label: which client made the call (the HTTP one also reaches `https` instances; `tcp` is the fast lane). */
export type CallProtocol = 'http' | 'grpc' | 'tcp';

/** The outcome of an HTTP answer with `status`. @internal */
export function httpOutcome(status: number): CallOutcome {
  if (status < 400) return 'success';
  return status < 500 ? 'client_error' : 'server_error';
}

/** The outcome of a gRPC attempt that ended with `code` and `details`, `signal` being the caller's. @internal */
export function grpcOutcome(code: number, details: string, signal?: AbortSignal): CallOutcome {
  if (signal?.aborted || code === GrpcStatus.CANCELLED) return 'cancelled';
  // A request grpc-js could not encode never left: the caller's mistake.
  if (details.startsWith(SERIALIZATION_FAILURE)) return 'client_error';
  switch (code) {
    case GrpcStatus.OK:
      return 'success';
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'timeout';
    case GrpcStatus.UNAVAILABLE:
      return 'unavailable';
    default:
      return grpcStatusAsHttp(code) < 500 ? 'client_error' : 'server_error';
  }
}
