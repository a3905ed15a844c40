import { Metadata, ServerInterceptingCall, ServerInterceptor } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { REQUEST_ID_HEADER, requestIdFrom } from '@nest-discovery/discovery';
import { GrpcCallLog } from './grpc-call.log';

/**
 * A gRPC server interceptor (grpc-js): reads the request's `x-request-id` metadata (or makes one up)
 * and answers it back in the trailing metadata, with `x-served-by` naming the instance that served
 * the call. Runs for every method, errors included, before Nest sees the call. With a `log`, the
 * handler runs with the id and the call's deadline in scope (its log lines and outgoing calls carry the
 * id, its outgoing calls get at most what remains of the deadline) and every finished
 * call is reported to it.
 *
 * @param servedBy the instance's id, read per call (it is known only once registered)
 */
export function requestIdInterceptor(servedBy: () => string | undefined, log?: GrpcCallLog): ServerInterceptor {
  return (method, call) => {
    let requestId: string | undefined;
    const started = log ? performance.now() : 0;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            requestId = requestIdFrom(metadata.get(REQUEST_ID_HEADER)[0]);
            forward(metadata);
          },
          // grpc-js calls the method's handler from within this `forward`.
          // The caller's deadline comes as grpc-timeout: the handler's own calls inherit what remains of it.
          onReceiveHalfClose: log
            ? (forward) => log.scope(requestId ?? (requestId = randomUUID()), deadlineOf(call.getDeadline()), forward)
            : undefined,
        }),
      sendStatus: (status, forward) => {
        const trailers = status.metadata ?? new Metadata();
        requestId ??= randomUUID();
        trailers.set(REQUEST_ID_HEADER, requestId);
        const id = servedBy();
        if (id !== undefined) trailers.set('x-served-by', id);
        log?.finished(requestId, method.path, status.code, performance.now() - started);
        forward({ ...status, metadata: trailers });
      },
    });
  };
}

/** grpc-js's deadline as ms since the epoch; undefined when the caller set none. */
function deadlineOf(deadline: Date | number): number | undefined {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}
