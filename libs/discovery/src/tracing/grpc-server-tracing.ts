import { Metadata, ServerInterceptingCall, ServerInterceptor, status as GrpcStatus } from '@grpc/grpc-js';
import { context, Context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, TextMapGetter, trace } from '@opentelemetry/api';
import { REQUEST_ID_HEADER } from '../context/request-id';
import { ATTR, rpcAttributes, rpcName } from './span-attributes';
import { discoveryTracer } from './tracer';

/** How the propagator reads a call's trace context (`traceparent`, …) from its gRPC metadata. */
const METADATA_GETTER: TextMapGetter<Metadata> = {
  get: (metadata, key) => metadata.get(key).map(String),
  keys: (metadata) => Object.keys(metadata.getMap()),
};

/**
 * A grpc-js server interceptor making a SERVER span per call, the gRPC counterpart of `useRequestTracing`: named
 * `package.Service/Method`, a child of the caller's attempt (its `traceparent` metadata), current while the
 * handler runs, with the request id and the status code; statuses other than OK are errors. Undefined when no
 * OpenTelemetry SDK is registered: add it to the server's interceptors only then, and tracing off costs nothing.
 *
 * @example
 * ```ts
 * const tracing = grpcServerTracing();
 * new CalcGrpcServer({ interceptors: [...(tracing ? [tracing] : []), requestIdInterceptor(...)] });
 * ```
 */
export function grpcServerTracing(): ServerInterceptor | undefined {
  const tracer = discoveryTracer();
  if (tracer === undefined) return undefined;
  return (method, call) => {
    let span: Span | undefined;
    let current: Context = ROOT_CONTEXT;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            const parent = propagation.extract(ROOT_CONTEXT, metadata, METADATA_GETTER);
            const name = rpcName(method.path);
            const requestId = metadata.get(REQUEST_ID_HEADER)[0];
            span = tracer.startSpan(
              name,
              {
                kind: SpanKind.SERVER,
                attributes: {
                  ...rpcAttributes(name),
                  ...(typeof requestId === 'string' ? { [ATTR.requestId]: requestId } : {}),
                },
              },
              parent,
            );
            current = trace.setSpan(parent, span);
            forward(metadata);
          },
          // grpc-js calls the method's handler from within this `forward`.
          onReceiveHalfClose: (forward) => context.with(current, forward),
        }),
      sendStatus: (status, forward) => {
        if (span !== undefined) {
          span.setAttribute(ATTR.grpcStatus, status.code);
          if (status.code !== GrpcStatus.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: status.details });
          span.end();
          span = undefined;
        }
        forward(status);
      },
    });
  };
}
