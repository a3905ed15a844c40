import { Readable } from 'node:stream';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { StrategySpec } from '../load-balancing/strategy.registry';
import type { HttpClientInterceptor } from './http-interceptor.interface';

/** HTTP methods a service call may use. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** One query parameter's value; arrays repeat the key, `undefined` drops it. */
export type QueryValue = string | number | boolean | undefined | Array<string | number | boolean>;

/** Restricts the candidate instances: every tag must be present and every metadata entry equal. */
export interface InstanceFilter {
  tags?: string[];
  metadata?: Record<string, string>;
}

/** Options shared by {@link ServiceRequest} and {@link ServiceStreamRequest}. */
export interface ServiceCallOptions {
  /** Registered service name to call. */
  service: string;
  /** Default GET. */
  method?: HttpMethod;
  /** Path on the instance, e.g. `/add/1/2`. May already carry a query string. */
  path: string;
  query?: Record<string, QueryValue>;
  /**
   * Per-attempt timeout for the answer's headers (and, for `request`, for each silence while its body
   * arrives). Default the module's `timeoutMs` (5 s). Enforced by undici's own timers, which are
   * coarse (about ±0.5 s) at 1 s and above.
   */
  timeoutMs?: number;
  /** Retries on another instance (idempotent methods, or when nothing was sent). Default the module's `retries` (2). */
  retries?: number;
  /** Load-balancing strategy for this call. Default the client's, else the module's. */
  strategy?: StrategySpec;
  filter?: InstanceFilter;
  /** Aborts the call (not counted against the instance). */
  signal?: AbortSignal;
  /**
   * The whole call's budget (every attempt) in ms. Default none of its own: only what the request being
   * handled has left (its `x-timeout-ms`), which bounds the call either way.
   */
  deadlineMs?: number;
  /**
   * Idempotent calls only, opt-in: when the first attempt has not answered after this many ms, a second is
   * sent to another instance; the first answer wins and the other is cancelled. Counts against the retry
   * budget like a retry.
   */
  hedgeAfterMs?: number;
  /** This call's own interceptors, inside the module's (see {@link HttpClientInterceptor}). */
  interceptors?: readonly HttpClientInterceptor[];
}

/**
 * A buffered call: the answer is read whole and parsed.
 *
 * @example
 * ```ts
 * const { result } = await client.request<{ result: number }>({ service: 'calc', path: '/add/1/2' });
 * ```
 */
export interface ServiceRequest extends ServiceCallOptions {
  /** JSON-encoded unless a Buffer or string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A streamed call, for proxies: neither the request nor the answer body is buffered. */
export interface ServiceStreamRequest extends ServiceCallOptions {
  /** Hop-by-hop headers (connection, keep-alive, transfer-encoding, upgrade, expect, te, trailer, host, proxy-*) are dropped. */
  headers?: Record<string, string | string[] | undefined>;
  /** A Readable body is never retried once sending may have started. */
  body?: Readable | Buffer | string;
  /**
   * Read an answer of a known length up to this many bytes whole, into `bytes`, before resolving: what a
   * proxy forwarding small answers wants (one write, no stream). Longer answers, and those of unknown length
   * (chunked, server-sent events), still stream. A failure while reading it is a failed attempt, retried as
   * any. Default: every answer streams.
   */
  bufferUpToBytes?: number;
}

/** The upstream's answer with its body unread (or read whole: `bytes`). Consume or destroy `body` unless `bytes` is set. */
export interface ServiceStreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /**
   * The whole body, when it was read before the call resolved (see `ServiceStreamRequest.bufferUpToBytes`);
   * `body` then streams the same bytes, made only if read.
   */
  bytes?: Buffer;
  /** The instance that answered. */
  instance: ServiceInstance;
}
