/**
 * When an instance's probes run. Each instance probes at a fixed phase within its interval, taken from a
 * hash of its id: a thousand instances registered (or restored after a restart) in the same second are
 * probed spread over the interval, not all at once, and a restarted registry keeps every instance's phase.
 */

/** A stable offset in [0, intervalMs) for `id` (32-bit FNV-1a). */
export function phaseOffsetMs(id: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % intervalMs;
}

/** The first time at or after `now` that falls on the instance's phase (`offsetMs` past a multiple of the interval). */
export function firstDueAt(now: number, intervalMs: number, offsetMs: number): number {
  const wait = (((offsetMs - now) % intervalMs) + intervalMs) % intervalMs;
  return now + wait;
}

/**
 * The probe after the one due at `previousDueAt`: one interval on, keeping the phase. When the checker fell
 * behind (a saturated concurrency bound, a stalled event loop) by a whole interval or more, the missed
 * probes are skipped, not run back to back.
 */
export function nextDueAt(previousDueAt: number, now: number, intervalMs: number): number {
  const next = previousDueAt + intervalMs;
  if (next > now) return next;
  return previousDueAt + (Math.floor((now - previousDueAt) / intervalMs) + 1) * intervalMs;
}
