/** Nanoseconds… hours, in milliseconds: the units of Go's `time.ParseDuration`, which Consul's durations use. */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const DURATION = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)/;

/**
 * Parses a Go duration (`10s`, `1m30s`, `500ms`, `1.5h`; `0` alone) into milliseconds, or undefined when
 * it is not one. A bare number other than 0 is not a Go duration, but Consul's API also takes durations as
 * JSON numbers of nanoseconds: pass those as numbers.
 *
 * @example
 * parseGoDuration('1m30s'); // 90000
 * parseGoDuration(15e9); // 15000 (nanoseconds)
 */
export function parseGoDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value / 1e6 : undefined;
  if (typeof value !== 'string') return undefined;
  if (value === '0') return 0;
  let rest = value;
  let total = 0;
  if (rest.length === 0) return undefined;
  while (rest.length > 0) {
    const match = DURATION.exec(rest);
    if (match === null) return undefined;
    const unit = /[a-zµ]+$/.exec(match[0])![0];
    total += Number(match[0].slice(0, -unit.length)) * UNIT_MS[unit];
    rest = rest.slice(match[0].length);
  }
  return total;
}

/** A duration in whole seconds, rounded up: the registry's timers count seconds, and never run short. */
export function ceilSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
