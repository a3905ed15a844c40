import { RequestContext } from '../context/request-context';

/**
 * The request header that carries a call's remaining budget, in milliseconds, relative (so clocks need not
 * agree), in the spirit of gRPC's `grpc-timeout` and Connect's `connect-timeout-ms`. An app reads it from
 * each incoming request (`useRequestContext`), and every call it makes while handling that request sends
 * what remains of it.
 */
export const TIMEOUT_HEADER = 'x-timeout-ms';

/** Budgets past this (about 24 days) are treated as none: setTimeout cannot hold them anyway. */
const MAX_BUDGET_MS = 2 ** 31 - 1;

/** A header's budget in ms, or undefined when it is absent or not a non-negative integer. @internal */
export function parseTimeoutHeader(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) return undefined;
  const ms = Number(raw);
  return ms <= MAX_BUDGET_MS ? ms : undefined;
}

/**
 * The absolute deadline (ms since the epoch) of a call started now: its own budget (`ownMs`, undefined for
 * none) or what the request being handled has left, whichever ends first; `Infinity` when neither is set.
 * @internal
 */
export function callDeadline(ownMs: number | undefined, now = Date.now()): number {
  const inherited = RequestContext.current()?.deadline;
  const own = ownMs === undefined ? Infinity : now + ownMs;
  return inherited === undefined ? own : Math.min(own, inherited);
}
