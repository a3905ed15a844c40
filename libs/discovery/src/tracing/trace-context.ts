import { Context, createTraceState, INVALID_SPANID, INVALID_TRACEID, ROOT_CONTEXT, SpanContext, trace } from '@opentelemetry/api';

/** The propagation fields one attempt sends: W3C `traceparent`, and `tracestate` when the trace has one. */
export type TraceHeaders = Record<string, string>;

// W3C Trace Context, level 1: version-traceid-parentid-flags; a later version may append fields.
const TRACEPARENT = /^\s?([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\s?$/;

/**
 * W3C trace context, read and written directly: what OpenTelemetry's `W3CTraceContextPropagator` does, without
 * the generic propagation API's getter and setter calls, its composite of propagators (baggage is not carried)
 * nor a `Context` built only to be read back. The library's one place for the `traceparent`/`tracestate` headers
 * (HTTP) and metadata (gRPC). @internal
 */
export function traceHeadersOf(span: SpanContext): TraceHeaders {
  const headers: TraceHeaders = { traceparent: `00-${span.traceId}-${span.spanId}-0${Number(span.traceFlags || 0).toString(16)}` };
  if (span.traceState !== undefined) headers.tracestate = span.traceState.serialize();
  return headers;
}

/**
 * The remote parent a request brings (its `traceparent`, `tracestate`) as a context to start its server span
 * in; the root context when it brings none, or one that is not valid W3C trace context. @internal
 */
export function remoteParentOf(traceparent: unknown, tracestate: unknown): Context {
  const header = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  if (typeof header !== 'string') return ROOT_CONTEXT;
  const match = TRACEPARENT.exec(header);
  // Version ff is invalid; version 00 has exactly four fields.
  if (match === null || match[1] === 'ff' || (match[1] === '00' && match[5] !== undefined)) return ROOT_CONTEXT;
  // The pattern checked the ids are hex: valid unless all zero (what `isSpanContextValid` checks, without its regexes).
  if (match[2] === INVALID_TRACEID || match[3] === INVALID_SPANID) return ROOT_CONTEXT;
  const parent: SpanContext = { traceId: match[2], spanId: match[3], traceFlags: parseInt(match[4], 16), isRemote: true };
  const state = Array.isArray(tracestate) ? tracestate.join(',') : tracestate;
  if (typeof state === 'string' && state !== '') parent.traceState = createTraceState(state);
  return trace.setSpanContext(ROOT_CONTEXT, parent);
}
