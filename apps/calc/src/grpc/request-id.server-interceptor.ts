import { Metadata, ServerInterceptingCall, ServerInterceptor } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';

/** The same rule as the gateway's X-Request-Id: a caller's id is kept when it is sane. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A gRPC server interceptor (grpc-js): reads the request's `x-request-id` metadata (or makes one up)
 * and answers it back in the trailing metadata, with `x-served-by` naming the instance that served
 * the call. Runs for every method, errors included, before Nest sees the call.
 *
 * @param servedBy the instance's id, read per call (it is known only once registered)
 */
export function requestIdInterceptor(servedBy: () => string | undefined): ServerInterceptor {
  return (_method, call) => {
    let requestId: string | undefined;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            const given = metadata.get('x-request-id')[0];
            requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
            forward(metadata);
          },
        }),
      sendStatus: (status, forward) => {
        const trailers = status.metadata ?? new Metadata();
        trailers.set('x-request-id', requestId ?? randomUUID());
        const id = servedBy();
        if (id !== undefined) trailers.set('x-served-by', id);
        forward({ ...status, metadata: trailers });
      },
    });
  };
}
