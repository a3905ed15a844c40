import { Metadata, ServerInterceptingCall, ServerInterceptor, status as GrpcStatus } from '@grpc/grpc-js';
import { Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { REQUEST_ID_HEADER } from '../context/request-id';
import { ATTR, rpcAttributes, rpcName } from './span-attributes';
import { remoteParentOf } from './trace-context';
import { discoveryTracer } from './tracer';

/** A metadata key's first value, as a string. */
function first(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A grpc-js server interceptor making a SERVER span per call, the gRPC counterpart of `useRequestTracing`: named
 * `package.Service/Method`, a child of the caller's attempt (its `traceparent` metadata), with the request id and
 * the status code; statuses other than OK are errors. The span is not entered in OpenTelemetry's context manager
 * (that would cost an AsyncLocalStorage on every call): calls a handler makes are not its children. Undefined when
 * no OpenTelemetry SDK is registered: add it to the server's interceptors only then, and tracing off costs nothing.
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
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            const name = rpcName(method.path);
            span = tracer.startSpan(name, { kind: SpanKind.SERVER }, remoteParentOf(first(metadata, 'traceparent'), first(metadata, 'tracestate')));
            if (span.isRecording()) {
              span.setAttributes(rpcAttributes(name));
              const requestId = first(metadata, REQUEST_ID_HEADER);
              if (requestId !== undefined) span.setAttribute(ATTR.requestId, requestId);
            }
            forward(metadata);
          },
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
