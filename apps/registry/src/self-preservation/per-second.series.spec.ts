import { PerSecondSeries } from './per-second.series';

describe('PerSecondSeries', () => {
  it('counts the seconds it holds, the last entry being the last second, outside ones as 0', () => {
    // Seconds 100..103.
    const series = new PerSecondSeries([1, 2, 3, 4], 103);
    expect(series.count(100, 104)).toBe(10);
    expect(series.count(101, 103)).toBe(5);
    expect(series.count(103, 104)).toBe(4);
    expect(series.count(90, 101)).toBe(1);
    expect(series.count(103, 200)).toBe(4);
    expect(series.count(50, 60)).toBe(0);
    expect(series.count(104, 110)).toBe(0);
    expect(new PerSecondSeries([], 103).count(0, 200)).toBe(0);
  });
});
