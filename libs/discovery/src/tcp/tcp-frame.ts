/**
 * The fast lane's wire contract, the one place both ends read it from: every frame is a 4-byte
 * big-endian length, then that many bytes of UTF-8 JSON, one object per frame. Field names are one
 * letter because every frame carries them. A connection carries many calls at once; `i` pairs an
 * answer with its request.
 */

/** A call: `p` is the Nest message pattern (a string, or an object Nest normalises the same way). */
export interface TcpRequestFrame {
  /** Request id on this connection, a positive integer. */
  readonly i: number;
  /** The message pattern. */
  readonly p: unknown;
  /** The message's data. */
  readonly d?: unknown;
  /** The caller's remaining budget in ms (relative, as `x-timeout-ms`): the server drops the call once it is spent. */
  readonly t?: number;
  /** The request id (`x-request-id` on the HTTP lane), for the server's log lines and the calls it makes. */
  readonly r?: string;
  /** Trace context (`traceparent`, …) while tracing. */
  readonly h?: Readonly<Record<string, string>>;
}

/** An answer: `d` on success; `s` (an HTTP status, the one mapping for both ends) and `m` on failure. */
export interface TcpReplyFrame {
  readonly i: number;
  readonly d?: unknown;
  /** Failure status, an HTTP status code: 4xx the caller's mistake, 5xx the server's. */
  readonly s?: number;
  /** Failure message. */
  readonly m?: string;
  /** 1: the server refused the call unprocessed (it is stopping), so any call may go elsewhere. */
  readonly n?: 1;
}

/** Sent by a stopping server (`i` 0): take no new calls to this connection; those in flight are answered. */
export interface TcpGoAwayFrame {
  readonly i: 0;
  readonly g: 1;
}

/** Statuses the server answers on its own. @internal */
export const TCP_STATUS = {
  /** No handler for the pattern. */
  notFound: 404,
  /** A handler failed with no status of its own. */
  internal: 500,
  /** The server is stopping: refused unprocessed (`n: 1`). */
  stopping: 503,
  /** The call's budget was spent before it ran. */
  deadline: 504,
} as const;

/** Frames larger than this (16 MiB) are refused: a corrupt length must not make a peer buffer gigabytes. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The named endpoint the fast lane registers and its clients call. */
export const TCP_ENDPOINT = 'tcp';
