/** Events per epoch second: what the self-preservation policy reads, from its own meter or the store's history. @internal */
export interface PerSecondCounts {
  /** Events in the epoch seconds `fromSecond` (inclusive) to `toSecond` (exclusive); unknown seconds read as 0. */
  count(fromSecond: number, toSecond: number): number;
}

/**
 * Counts events in one-second buckets over a sliding horizon: recording is an array write, and
 * "how many in these seconds" a loop over at most the horizon. Time is passed in (epoch ms), so the
 * meter is plain arithmetic that tests drive with numbers. @internal
 */
export class PerSecondMeter implements PerSecondCounts {
  private readonly size: number;
  /** The epoch second each slot currently holds; a slot still holding an older second counts as 0. */
  private readonly seconds: number[];
  private readonly counts: number[];

  /** @param horizonSeconds how far back `count` must still see. */
  constructor(horizonSeconds: number) {
    this.size = Math.max(1, Math.ceil(horizonSeconds)) + 1;
    this.seconds = new Array<number>(this.size).fill(-1);
    this.counts = new Array<number>(this.size).fill(0);
  }

  record(nowMs: number, count = 1): void {
    const second = Math.floor(nowMs / 1000);
    const slot = second % this.size;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] += count;
  }

  /** Events recorded in the epoch seconds `from` (inclusive) to `to` (exclusive); older than the horizon reads as 0. */
  count(fromSecond: number, toSecond: number): number {
    let total = 0;
    for (let second = Math.max(fromSecond, toSecond - this.size); second < toSecond; second++) {
      const slot = second % this.size;
      if (this.seconds[slot] === second) total += this.counts[slot];
    }
    return total;
  }
}
