import { TIMEOUT_HEADER } from '../call/deadline';
import { RequestContext } from '../context/request-context';
import { REQUEST_ID_HEADER } from '../context/request-id';
import { QueryValue } from './service-request.interface';
import { TransportHeaders } from './http-transport.interface';
import type { TraceHeaders } from '../tracing/call-tracing';

/** Appends `query` to `path` (arrays repeat the key; undefined values are dropped). @internal */
export function buildPath(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return path;
  let qs = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    const k = encodeURIComponent(key);
    if (Array.isArray(value)) {
      for (const item of value) qs += `${qs ? '&' : ''}${k}=${encodeURIComponent(String(item))}`;
    } else {
      qs += `${qs ? '&' : ''}${k}=${encodeURIComponent(String(value))}`;
    }
  }
  if (!qs) return path;
  return path + (path.includes('?') ? '&' : '?') + qs;
}

/** Body ready for the wire, with the headers it needs. @internal */
export interface EncodedBody {
  body: string | Buffer | undefined;
  headers: Record<string, string> | undefined;
}

/** JSON-encodes `body` unless it is a Buffer or string; adds a content-type only when one is missing. @internal */
export function encodeBody(body: unknown, headers: Record<string, string> | undefined): EncodedBody {
  if (body === undefined) return { body: undefined, headers };
  if (typeof body === 'string' || Buffer.isBuffer(body)) return { body, headers };
  const json = JSON.stringify(body);
  if (headers && hasHeader(headers, 'content-type')) return { body: json, headers };
  return { body: json, headers: { ...headers, 'content-type': 'application/json' } };
}

function hasHeader(headers: Record<string, unknown>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/**
 * `headers` plus the current request's id (see RequestContext) as `x-request-id`, so a call made
 * while handling a request carries its id; unchanged outside any request or when the caller set
 * the header itself. Never mutates `headers`. @internal
 */
export function withRequestId<H extends TransportHeaders>(headers: H | undefined): H | TransportHeaders | undefined {
  const requestId = RequestContext.requestId();
  if (requestId === undefined || (headers !== undefined && hasHeader(headers, REQUEST_ID_HEADER))) return headers;
  return { ...headers, [REQUEST_ID_HEADER]: requestId };
}

/**
 * `headers` as an attempt sends them: with the current request's id (see {@link withRequestId}) and, when
 * the call has a deadline (its own `deadlineMs`, or what the request being handled has left), the attempt's
 * budget as `x-timeout-ms`, so the callee can stop when the caller will. A call with no deadline sends none:
 * its timeout is its own patience, not a budget handed down. A traced attempt's context (`trace`:
 * `traceparent`, `tracestate`) replaces any the headers carry (a proxied request's, from its own caller).
 * Copies only when it adds something; never mutates `headers`. @internal
 */
export function outgoingHeaders<H extends TransportHeaders>(
  headers: H | undefined,
  timeoutMs: number,
  deadline: number,
  trace?: TraceHeaders,
): H | TransportHeaders | undefined {
  const withId = withRequestId(headers);
  if (!Number.isFinite(deadline) && trace === undefined) return withId;
  const out: TransportHeaders = withId === headers ? { ...headers } : (withId as TransportHeaders);
  if (Number.isFinite(deadline)) out[TIMEOUT_HEADER] = String(Math.max(0, Math.floor(timeoutMs)));
  if (trace !== undefined) Object.assign(out, trace);
  return out;
}

/** Parses an answer: JSON when the content-type says so, else text; empty JSON bodies are undefined. @internal */
export function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (type && type.includes('json')) {
    if (text.length === 0) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
