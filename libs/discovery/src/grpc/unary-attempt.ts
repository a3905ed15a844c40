import { Channel, Metadata, status as GrpcStatus, StatusObject } from '@grpc/grpc-js';
import { LoadedMethod } from './proto-definition.loader';

/** A unary call's answer on one channel. @internal */
export interface UnaryAnswer {
  response: unknown;
  headers: Metadata;
  trailers: Metadata;
}

/** What grpc-js says when it cannot encode a request; the call is never started. @internal */
export const SERIALIZATION_FAILURE = 'Request message serialization failure';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One unary call on one channel, on grpc-js's public `Channel.createCall` (what its `Client` runs on
 * underneath, without the client-interceptor layers, the per-call EventEmitter and the stack trace
 * `makeUnaryRequest` captures: about a fifth less CPU per call). Keeps grpc-js's semantics: the
 * same errors for a request that cannot be encoded, an answer that cannot be decoded, no answer or
 * two. Resolves once the status arrives (so the trailers are known); rejects with the status
 * (`code`, `details`, `metadata` = the trailers). `signal` cancels the call. @internal
 */
export function unaryAttempt(
  channel: Channel,
  method: LoadedMethod,
  request: unknown,
  metadata: Metadata,
  deadline: number,
  signal?: AbortSignal,
): Promise<UnaryAnswer> {
  return new Promise<UnaryAnswer>((resolve, reject) => {
    let message: Buffer;
    try {
      message = method.requestSerialize(request);
    } catch (error) {
      reject({ code: GrpcStatus.INTERNAL, details: `${SERIALIZATION_FAILURE}: ${reason(error)}`, metadata: new Metadata() });
      return;
    }
    const call = channel.createCall(method.path, deadline, undefined, null, undefined);
    const cancel = signal ? (): void => call.cancelWithStatus(GrpcStatus.CANCELLED, 'Cancelled on client') : undefined;
    let headers: Metadata | undefined;
    let response: unknown;
    let received = false;
    let readError: StatusObject | undefined;
    call.start(metadata, {
      onReceiveMetadata(initial: Metadata) {
        headers = initial;
      },
      onReceiveMessage(bytes: Buffer) {
        if (received) {
          call.cancelWithStatus(GrpcStatus.UNIMPLEMENTED, 'Too many responses received');
          return;
        }
        received = true;
        try {
          response = method.responseDeserialize(bytes);
        } catch (error) {
          readError = { code: GrpcStatus.INTERNAL, details: `Response message parsing error: ${reason(error)}`, metadata: new Metadata() };
          call.cancelWithStatus(readError.code, readError.details);
        }
      },
      onReceiveStatus(status: StatusObject) {
        if (cancel) signal!.removeEventListener('abort', cancel);
        if (readError) reject(readError);
        else if (status.code !== GrpcStatus.OK) reject(status);
        else if (!received) reject({ code: GrpcStatus.UNIMPLEMENTED, details: 'No message received', metadata: status.metadata });
        else resolve({ response, headers: headers ?? new Metadata(), trailers: status.metadata });
      },
    });
    call.sendMessageWithContext({}, message);
    call.halfClose();
    call.startRead();
    if (cancel) {
      if (signal!.aborted) cancel();
      else signal!.addEventListener('abort', cancel, { once: true });
    }
  });
}
