import { answered, AttemptResult, failed } from '../call/attempt-result';
import { AttemptOptions, CallAdapter } from '../call/call-adapter.interface';
import { RemoteTcpError } from '../errors/remote-tcp.error';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { httpOutcome } from '../metrics/call-outcome';
import { isFailureStatus, isRetryableStatus } from '../resilience/retry.policy';
import { TcpConnectionPool } from './tcp-connection.pool';
import { TcpReplyFrame } from './tcp-frame';
import { TcpCancelledError, TcpTimeoutError, TcpTransportError } from './tcp-transport.error';

/**
 * Fast-lane calls in the call pipeline: an attempt is one frame on one of the instance's pooled
 * connections, carrying what remains of the call's budget (`t`), its request id (`r`) and, while tracing,
 * the attempt's trace context (`h`). Answers are classified by their HTTP status, by the same rules as the
 * HTTP lane's (503/504 retryable, 500/502/503/504 count against the instance, 4xx never). A connection
 * refused, or a call the stopping server refused unprocessed, is `neverSent` (any call may go elsewhere); a
 * connection lost after the frame was written is retryable for idempotent patterns only. @internal
 */
export class TcpCallAdapter implements CallAdapter<TcpReplyFrame, unknown> {
  constructor(
    private readonly pool: TcpConnectionPool,
    private readonly service: string,
    /** The normalised pattern (Nest's route string), as sent and as the server looks its handler up. */
    private readonly pattern: string,
    private readonly data: unknown,
    private readonly requestId: string | undefined,
  ) {}

  send(instance: ServiceInstance, options: AttemptOptions): Promise<TcpReplyFrame> {
    const connection = this.pool.get(instance);
    const budgetMs = options.deadline === Infinity ? undefined : Math.max(0, Math.floor(options.deadline - Date.now()));
    const request = { pattern: this.pattern, data: this.data, budgetMs, requestId: this.requestId, headers: options.trace };
    // Backpressure: a connection whose send buffer is full takes the call once it drained (slow path only).
    if (connection.congested) return connection.writable().then(() => connection.call(request, options.timeoutMs, options.signal));
    return connection.call(request, options.timeoutMs, options.signal);
  }

  classify(reply: TcpReplyFrame, instance: ServiceInstance): AttemptResult<unknown> {
    const status = reply.s;
    if (status === undefined) return answered(reply.d, 'success', true, 200);
    const error = new RemoteTcpError(this.service, this.pattern, instance, status, reply.m ?? '');
    // Refused unprocessed by a stopping server: says nothing about its health, and any call may go elsewhere.
    if (reply.n === 1) return failed(error, 'unavailable', undefined, true, true);
    return failed(error, httpOutcome(status), !isFailureStatus(status), isRetryableStatus(status));
  }

  classifyError(error: unknown, instance: ServiceInstance, options: AttemptOptions): AttemptResult<unknown> {
    if (error instanceof TcpCancelledError || options.signal?.aborted) {
      return failed(error, 'cancelled', undefined, false, false, { cancelled: true });
    }
    if (error instanceof TcpTransportError && error.code === 'EENCODE') {
      return failed(new RemoteUnavailableError(this.service, instance, error), 'client_error', undefined, false, false, { cancelled: true });
    }
    if (error instanceof TcpTimeoutError) {
      return failed(new RemoteTimeoutError(this.service, instance, error.timeoutMs), 'timeout', false, true);
    }
    const neverSent = error instanceof TcpTransportError && error.neverSent;
    return failed(new RemoteUnavailableError(this.service, instance, error), 'unavailable', false, true, neverSent);
  }
}
