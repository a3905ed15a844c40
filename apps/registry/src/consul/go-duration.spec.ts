import { ceilSeconds, parseGoDuration } from './go-duration';

describe('parseGoDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['250us', 0.25],
  ])('%s is %d ms', (text, ms) => expect(parseGoDuration(text)).toBeCloseTo(ms));

  it('takes JSON numbers as nanoseconds', () => expect(parseGoDuration(15e9)).toBe(15_000));

  it.each(['', '10', 's', '10x', '-5s', '1m 30s', ' 1s'])('refuses %j', (text) => expect(parseGoDuration(text)).toBeUndefined());

  it('refuses what is neither a string nor a number', () => {
    expect(parseGoDuration(null)).toBeUndefined();
    expect(parseGoDuration(-1)).toBeUndefined();
  });

  it('rounds seconds up', () => {
    expect(ceilSeconds(500)).toBe(1);
    expect(ceilSeconds(10_000)).toBe(10);
  });
});
