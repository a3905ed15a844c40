import { ExponentialBackoff, IBackoff } from 'cockatiel';

/** Methods that may be repeated without changing the outcome (RFC 9110 §9.2.2), so safe to retry. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Answers a retry on another instance may fix. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/** Errors raised before a single byte left: the server never saw the request. */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** Timeouts as the transports report them (undici's own timers, axios's `timeout`). */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * The HTTP status each gRPC status code corresponds to (google.rpc.Code's documented mapping), so
 * gRPC answers go through the same rules as HTTP ones: UNAVAILABLE (503) and DEADLINE_EXCEEDED (504)
 * are retryable, those two plus INTERNAL, UNKNOWN and DATA_LOSS (500) count against the instance,
 * and the caller's own mistakes (INVALID_ARGUMENT, NOT_FOUND, ... — the 4xx) never do.
 */
const GRPC_AS_HTTP: readonly number[] = [
  200, // OK
  499, // CANCELLED
  500, // UNKNOWN
  400, // INVALID_ARGUMENT
  504, // DEADLINE_EXCEEDED
  404, // NOT_FOUND
  409, // ALREADY_EXISTS
  403, // PERMISSION_DENIED
  429, // RESOURCE_EXHAUSTED
  400, // FAILED_PRECONDITION
  409, // ABORTED
  400, // OUT_OF_RANGE
  501, // UNIMPLEMENTED
  500, // INTERNAL
  503, // UNAVAILABLE
  500, // DATA_LOSS
  401, // UNAUTHENTICATED
];

/** gRPC status 14 (UNAVAILABLE). */
const GRPC_UNAVAILABLE = 14;

/** The HTTP status a gRPC status code stands for (unknown codes: 500), for the rules above. @internal */
export function grpcStatusAsHttp(code: number): number {
  return GRPC_AS_HTTP[code] ?? 500;
}

/**
 * True when a gRPC call failed before it was sent: grpc-js's picker answers UNAVAILABLE "No connection
 * established" when the channel has no ready connection, so even a non-idempotent method may be
 * retried elsewhere. @internal
 */
export function grpcNeverSent(code: number, details: string | undefined): boolean {
  return code === GRPC_UNAVAILABLE && typeof details === 'string' && details.includes('No connection established');
}

/** @internal */
export function isTimeoutError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TIMEOUT_CODES.has(code);
}

/** @internal */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** @internal */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Whether an answer counts against the instance's circuit: 500/502/503/504 do, 4xx never. @internal */
export function isFailureStatus(status: number): boolean {
  return status === 500 || RETRYABLE_STATUSES.has(status);
}

/** True when the error proves the request never reached a server, so even a POST may be retried. @internal */
export function neverReachedServer(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NEVER_SENT_CODES.has(code);
}

/**
 * Jittered exponential backoff between attempts (cockatiel's decorrelated jitter), capped at
 * 8× the base so a retry never waits long. @internal
 */
export class RetryBackoff {
  private readonly factory: ExponentialBackoff<unknown> | undefined;

  constructor(baseMs: number) {
    this.factory = baseMs > 0 ? new ExponentialBackoff({ initialDelay: baseMs, maxDelay: baseMs * 8 }) : undefined;
  }

  /** Waits before the next attempt; `previous` is what the last wait returned (undefined at first). */
  async wait(previous: IBackoff<unknown> | undefined): Promise<IBackoff<unknown> | undefined> {
    if (!this.factory) return undefined;
    const next = previous ? previous.next(undefined) : this.factory.next();
    await new Promise<void>((resolve) => setTimeout(resolve, next.duration));
    return next;
  }
}
