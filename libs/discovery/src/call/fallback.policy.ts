import { DeadlineExceededError } from '../errors/deadline-exceeded.error';
import { DiscoveryError } from '../errors/discovery.error';
import { NoAvailableInstanceError } from '../errors/no-available-instance.error';
import { RemoteGrpcError } from '../errors/remote-grpc.error';
import { RemoteHttpError } from '../errors/remote-http.error';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';

/**
 * Whether a failed call may be answered by a fallback: the service could not answer — unreachable, timed
 * out, no instance (none registered, or every circuit open), its deadline spent, or a server error (5xx,
 * or a gRPC status that maps to one) — never the caller's own mistake (4xx) or an answer that failed
 * validation. @internal
 */
export function isFallbackable(error: unknown): error is DiscoveryError {
  if (
    error instanceof NoAvailableInstanceError ||
    error instanceof RemoteUnavailableError ||
    error instanceof RemoteTimeoutError ||
    error instanceof DeadlineExceededError
  ) {
    return true;
  }
  if (error instanceof RemoteHttpError || error instanceof RemoteGrpcError) return error.httpStatus >= 500;
  return false;
}
