import { fullJitterBackoff, jittered } from './backoff';

describe('fullJitterBackoff', () => {
  it('stays within [0, min(cap, base * 2^attempt))', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(5000, 100 * 2 ** attempt);
      expect(fullJitterBackoff(attempt, 100, 5000, () => 0)).toBe(0);
      expect(fullJitterBackoff(attempt, 100, 5000, () => 0.999999)).toBeLessThan(ceiling);
      expect(fullJitterBackoff(attempt, 100, 5000, () => 0.999999)).toBeGreaterThanOrEqual(ceiling - 1);
      const sample = fullJitterBackoff(attempt, 100, 5000);
      expect(sample).toBeGreaterThanOrEqual(0);
      expect(sample).toBeLessThan(ceiling);
    }
  });

  it('grows exponentially until the cap', () => {
    const half = (): number => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => fullJitterBackoff(a, 100, 5000, half))).toEqual([50, 100, 200, 400, 2500]);
  });
});

describe('jittered', () => {
  it('moves the delay by at most ±10%', () => {
    expect(jittered(1000, 0.1, () => 0)).toBe(900);
    expect(jittered(1000, 0.1, () => 1)).toBe(1100);
    expect(jittered(1000, 0.1, () => 0.5)).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      const value = jittered(1000);
      expect(value).toBeGreaterThanOrEqual(900);
      expect(value).toBeLessThanOrEqual(1100);
    }
  });

  it('never returns less than 1 ms', () => {
    expect(jittered(0)).toBe(1);
  });
});
