import { PerMinuteBudget } from './per-minute.budget';

describe('PerMinuteBudget', () => {
  it('grants perMinute at once, then refills at perMinute a minute, per key', () => {
    let now = 0;
    const budget = new PerMinuteBudget(3, () => now);
    expect([1, 2, 3, 4].map(() => budget.take('a'))).toEqual([true, true, true, false]);
    expect(budget.take('b')).toBe(true);
    now += 20_000; // a third of a minute: one token back
    expect([budget.take('a'), budget.take('a')]).toEqual([true, false]);
    now += 120_000;
    expect([1, 2, 3, 4].map(() => budget.take('a'))).toEqual([true, true, true, false]);
  });

  it('tells how long until a key has a token again', () => {
    let now = 0;
    const budget = new PerMinuteBudget(3, () => now);
    expect(budget.waitMs('a')).toBe(0);
    for (let i = 0; i < 3; i++) budget.take('a');
    expect(budget.waitMs('a')).toBe(20_000);
    now += 15_000;
    expect(budget.waitMs('a')).toBe(5_000);
    now += 5_000;
    expect(budget.waitMs('a')).toBe(0);
  });
});
