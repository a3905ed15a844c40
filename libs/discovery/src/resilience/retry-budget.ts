/** Settings of a {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed as a share of the calls in the window (0.2: one retry per five calls). */
  ratio: number;
  /** Retries always allowed per second, however few the calls (so a quiet service can still retry). */
  minPerSecond: number;
  /** The window the shares are counted over, in seconds. */
  windowSeconds: number;
}

export const DEFAULT_RETRY_BUDGET: Readonly<RetryBudgetOptions> = { ratio: 0.2, minPerSecond: 3, windowSeconds: 10 };

/** One second's counts. */
interface Slot {
  second: number;
  calls: number;
  retries: number;
}

/**
 * Envoy's and Finagle's retry budget for one service: retries may be at most `ratio` of the calls made in
 * the last `windowSeconds`, plus `minPerSecond` for each of those seconds. When an instance browns out,
 * every call to it would otherwise be retried up to `retries` times, multiplying the load on the others just
 * when they can least take it; with the budget, the retries stay a small share of the traffic. Counts live
 * in a ring of one-second slots: O(1) per call, no timers. @internal
 */
export class RetryBudget {
  private readonly slots: Slot[];

  constructor(
    private readonly options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET,
    private readonly now: () => number = Date.now,
  ) {
    this.slots = Array.from({ length: options.windowSeconds }, () => ({ second: -1, calls: 0, retries: 0 }));
  }

  /** A new call started. */
  called(): void {
    this.slot().calls++;
  }

  /** Takes a retry from the budget; false when it is spent (the caller then fails instead of retrying). */
  tryRetry(): boolean {
    const second = Math.floor(this.now() / 1000);
    let calls = 0;
    let retries = 0;
    for (const slot of this.slots) {
      if (second - slot.second >= this.options.windowSeconds) continue;
      calls += slot.calls;
      retries += slot.retries;
    }
    const allowed = this.options.minPerSecond * this.options.windowSeconds + this.options.ratio * calls;
    if (retries + 1 > allowed) return false;
    this.slot().retries++;
    return true;
  }

  private slot(): Slot {
    const second = Math.floor(this.now() / 1000);
    const slot = this.slots[second % this.slots.length];
    if (slot.second !== second) {
      slot.second = second;
      slot.calls = 0;
      slot.retries = 0;
    }
    return slot;
  }
}
