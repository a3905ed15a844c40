import { PerSecondCounts } from './per-second.meter';

/**
 * Counts per second read elsewhere — the store's history, shared by every replica — seen as
 * {@link PerSecondCounts}: `counts` runs oldest first and ends with `lastSecond`. Seconds outside it
 * read as 0. @internal
 */
export class PerSecondSeries implements PerSecondCounts {
  private readonly firstSecond: number;

  constructor(
    private readonly counts: readonly number[],
    private readonly lastSecond: number,
  ) {
    this.firstSecond = lastSecond - counts.length + 1;
  }

  count(fromSecond: number, toSecond: number): number {
    let total = 0;
    const end = Math.min(toSecond, this.lastSecond + 1);
    for (let second = Math.max(fromSecond, this.firstSecond); second < end; second++) total += this.counts[second - this.firstSecond];
    return total;
  }
}
