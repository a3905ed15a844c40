import { CallOutcome } from '../metrics/call-outcome';

/**
 * What one attempt came to, as a protocol adapter classifies it: either an answer for the caller (`value`)
 * or an error to throw, and what the attempt says about the instance and about trying again. @internal
 */
export interface AttemptResult<R> {
  /** True: the call ends with `value`. False: it ends with `error`, unless another attempt follows. */
  readonly answered: boolean;
  readonly value?: R;
  readonly error?: unknown;
  /** For the instance's circuit: true healthy, false a failure, undefined says nothing (the caller's doing). */
  readonly healthy: boolean | undefined;
  /** The metrics' outcome label. */
  readonly outcome: CallOutcome;
  /** An answer's status (HTTP status, gRPC code), for the attempt's span; a failure's is on its error. */
  readonly status?: number;
  /** Another instance might answer better: retried when the call is idempotent (or `neverSent`). */
  readonly retryable: boolean;
  /** Nothing reached a server, so even a non-idempotent call may be retried. */
  readonly neverSent: boolean;
  /** The caller gave up: no retry. */
  readonly cancelled?: boolean;
  /**
   * The answer keeps the instance busy until its body is consumed (a streamed answer): the attempt is
   * accounted when this settles rather than now.
   */
  readonly inFlightUntil?: Promise<void>;
  /** Releases what an answer that is not handed to the caller holds (a retried 503, a lost hedge). */
  readonly discard?: () => void;
}

/** An answer that ends the call; `status` is its HTTP status or gRPC code. @internal */
export function answered<R>(value: R, outcome: CallOutcome, healthy: boolean, status: number, extra?: Partial<AttemptResult<R>>): AttemptResult<R> {
  return result(true, value, undefined, outcome, healthy, false, false, extra, status);
}

/** A failure: thrown unless the pipeline tries again. @internal */
export function failed<R>(
  error: unknown,
  outcome: CallOutcome,
  healthy: boolean | undefined,
  retryable: boolean,
  neverSent = false,
  extra?: Partial<AttemptResult<R>>,
): AttemptResult<R> {
  return result<R>(false, undefined, error, outcome, healthy, retryable, neverSent, extra);
}

/** Every result with the same fields in the same order: one hidden class on the hot path. */
function result<R>(
  isAnswer: boolean,
  value: R | undefined,
  error: unknown,
  outcome: CallOutcome,
  healthy: boolean | undefined,
  retryable: boolean,
  neverSent: boolean,
  extra: Partial<AttemptResult<R>> | undefined,
  status?: number,
): AttemptResult<R> {
  return {
    answered: isAnswer,
    value,
    error,
    healthy,
    outcome,
    status,
    retryable: extra?.retryable ?? retryable,
    neverSent,
    cancelled: extra?.cancelled,
    inFlightUntil: extra?.inFlightUntil,
    discard: extra?.discard,
  };
}
