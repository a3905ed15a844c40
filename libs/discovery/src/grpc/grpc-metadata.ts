import { Metadata } from '@grpc/grpc-js';
import { RequestContext } from '../context/request-context';
import { REQUEST_ID_HEADER } from '../context/request-id';
import type { TraceHeaders } from '../tracing/call-tracing';

/**
 * The request metadata of one call, as a fresh object interceptors may change: a copy of a given
 * `Metadata`, or one value per key of a record — plus the current request's id (see
 * RequestContext) as `x-request-id` when the caller gave none. @internal
 */
export function toMetadata(input: Metadata | Record<string, string | Buffer> | undefined): Metadata {
  let metadata: Metadata;
  if (input instanceof Metadata) {
    metadata = input.clone();
  } else {
    metadata = new Metadata();
    if (input) for (const key of Object.keys(input)) metadata.set(key, input[key]);
  }
  const requestId = RequestContext.requestId();
  if (requestId !== undefined && metadata.get(REQUEST_ID_HEADER).length === 0) metadata.set(REQUEST_ID_HEADER, requestId);
  return metadata;
}

/** A copy of `metadata` carrying one attempt's trace context (`traceparent`, `tracestate`) over any it held. @internal */
export function withTraceContext(metadata: Metadata, trace: TraceHeaders): Metadata {
  const copy = metadata.clone();
  for (const key in trace) copy.set(key, trace[key]);
  return copy;
}
