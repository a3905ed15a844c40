import { Metadata, status as GrpcStatus, StatusObject } from '@grpc/grpc-js';
import { answered, AttemptResult, failed } from '../call/attempt-result';
import { AttemptOptions, CallAdapter } from '../call/call-adapter.interface';
import { RemoteGrpcError } from '../errors/remote-grpc.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { grpcOutcome } from '../metrics/call-outcome';
import { grpcNeverSent, grpcStatusAsHttp, isFailureStatus, isRetryableStatus } from '../resilience/retry.policy';
import { GrpcChannelPool } from './channel-pool';
import { withTraceContext } from './grpc-metadata';
import { LoadedMethod } from './proto-definition.loader';
import { SERIALIZATION_FAILURE, UnaryAnswer, unaryAttempt } from './unary-attempt';

/** A successful attempt's answer, before the pipeline adds who answered. @internal */
export type GrpcAnswer = UnaryAnswer;

/**
 * gRPC unary calls in the call pipeline: an attempt runs on the instance's pooled channel with the call's
 * native deadline (`grpc-timeout` on the wire, what remains of the call's budget); statuses are classified
 * by their HTTP equivalents, so UNAVAILABLE and DEADLINE_EXCEEDED are retried and count against the
 * instance like 503/504, the caller's own errors (INVALID_ARGUMENT, …) never. @internal
 */
export class GrpcUnaryAdapter implements CallAdapter<UnaryAnswer, GrpcAnswer> {
  constructor(
    private readonly channels: GrpcChannelPool,
    private readonly service: string,
    private readonly method: LoadedMethod,
    private readonly request: unknown,
    private readonly metadata: Metadata,
  ) {}

  send(instance: ServiceInstance, options: AttemptOptions): Promise<UnaryAnswer> {
    const deadline = Math.min(options.deadline, Date.now() + options.timeoutMs);
    // A traced attempt sends its own span's context, in a copy: a hedged twin may be in flight with its own.
    const metadata = options.trace === undefined ? this.metadata : withTraceContext(this.metadata, options.trace);
    return unaryAttempt(this.channels.get(instance), this.method, this.request, metadata, deadline, options.signal);
  }

  classify(answer: UnaryAnswer): AttemptResult<GrpcAnswer> {
    return answered(answer, 'success', true, GrpcStatus.OK);
  }

  classifyError(error: unknown, instance: ServiceInstance, options: AttemptOptions): AttemptResult<GrpcAnswer> {
    const status = error as Partial<StatusObject> & { message?: string };
    const code = typeof status.code === 'number' ? status.code : GrpcStatus.INTERNAL;
    const details = status.details ?? status.message ?? '';
    const remote = new RemoteGrpcError(this.service, this.method.path, instance, code, details, status.metadata ?? new Metadata());
    const outcome = grpcOutcome(code, details, options.signal);
    // The caller gave up, or sent what cannot be encoded: says nothing about the instance, and no retry helps.
    if (options.signal?.aborted || details.startsWith(SERIALIZATION_FAILURE)) {
      return failed(remote, outcome, undefined, false, false, { cancelled: true });
    }
    const asHttp = grpcStatusAsHttp(code);
    return failed(remote, outcome, !isFailureStatus(asHttp), isRetryableStatus(asHttp), grpcNeverSent(code, details));
  }
}
