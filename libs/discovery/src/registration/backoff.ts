/** Randomness source, injectable so tests can pin the bounds. @internal */
export type RandomSource = () => number;

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(cap, base * 2^attempt)].
 * Spreads the retries of many clients that lost the registry at the same moment. @internal
 *
 * @param attempt 0 for the first retry.
 */
export function fullJitterBackoff(attempt: number, baseMs: number, capMs: number, random: RandomSource = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * `ms` moved by up to ±`ratio` (0.1 = ±10%), so timers started together drift apart. @internal
 */
export function jittered(ms: number, ratio = 0.1, random: RandomSource = Math.random): number {
  return Math.max(1, Math.round(ms * (1 + ratio * (2 * random() - 1))));
}
