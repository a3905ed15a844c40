import type { Context, Span } from '@opentelemetry/api';

/** A traced request's server span, and the context (that span current) the calls made for it start in. @internal */
export interface ServerTrace {
  readonly span: Span;
  readonly context: Context;
}

/** The server trace of each traced request (a Fastify request): absent until `useRequestTracing` makes one. */
let traces: WeakMap<object, ServerTrace> | undefined;

/** The map the server hooks fill, made on first use. @internal */
export function serverTraces(): WeakMap<object, ServerTrace> {
  return (traces ??= new WeakMap());
}

/** `request`'s server trace; undefined when it is not traced (and at once while tracing is off). @internal */
export function serverTraceOf(request: object): ServerTrace | undefined {
  return traces?.get(request);
}
