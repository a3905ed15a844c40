import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows minPerSecond × window retries with no calls, then refuses', () => {
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 1, windowSeconds: 3 }, clock);
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true]);
    expect(budget.tryRetry()).toBe(false);
  });

  it('adds ratio × calls in the window', () => {
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 0, windowSeconds: 10 }, clock);
    for (let i = 0; i < 50; i++) budget.called();
    let allowed = 0;
    while (budget.tryRetry()) allowed++;
    expect(allowed).toBe(10);
  });

  it('forgets calls and retries once they leave the window', () => {
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, windowSeconds: 2 }, clock);
    for (let i = 0; i < 4; i++) budget.called();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    now += 2000;
    expect(budget.tryRetry()).toBe(false); // the calls left with the retries
    budget.called();
    budget.called();
    expect(budget.tryRetry()).toBe(true);
  });
});
