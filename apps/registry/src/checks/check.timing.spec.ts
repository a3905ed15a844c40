import { firstDueAt, nextDueAt, phaseOffsetMs } from './check.timing';
import { DueQueue } from './due.queue';

describe('phaseOffsetMs', () => {
  it('is stable for an id and within the interval', () => {
    expect(phaseOffsetMs('calc-1a2b3c', 10_000)).toBe(phaseOffsetMs('calc-1a2b3c', 10_000));
    for (const id of ['a', 'calc-1', 'orders-ffffff', 'x'.repeat(128)]) {
      const offset = phaseOffsetMs(id, 10_000);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(10_000);
      expect(Number.isInteger(offset)).toBe(true);
    }
  });

  it('spreads a thousand similar ids over the interval: no second holds much more than its share', () => {
    const perSecond = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) perSecond[Math.floor(phaseOffsetMs(`calc-${i}`, 10_000) / 1000)]++;
    // 100 expected per second; a herd would put them all in one.
    expect(Math.max(...perSecond)).toBeLessThan(150);
    expect(Math.min(...perSecond)).toBeGreaterThan(50);
  });
});

describe('firstDueAt', () => {
  it('is the next time on the phase, at most one interval away', () => {
    expect(firstDueAt(10_000, 1000, 250)).toBe(10_250);
    expect(firstDueAt(10_300, 1000, 250)).toBe(11_250);
    expect(firstDueAt(10_250, 1000, 250)).toBe(10_250);
  });

  it('gives a restarted registry the same phases', () => {
    const offset = phaseOffsetMs('calc-1', 5000);
    const first = firstDueAt(1_000_000, 5000, offset);
    const afterRestart = firstDueAt(1_000_000 + 7 * 5000 + 1234, 5000, offset);
    expect((afterRestart - first) % 5000).toBe(0);
  });
});

describe('nextDueAt', () => {
  it('is one interval on, keeping the phase', () => {
    expect(nextDueAt(10_250, 10_400, 1000)).toBe(11_250);
  });

  it('skips the probes missed while behind rather than running them back to back', () => {
    expect(nextDueAt(10_250, 13_900, 1000)).toBe(14_250);
    expect(nextDueAt(10_250, 14_250, 1000)).toBe(15_250);
  });
});

describe('DueQueue', () => {
  it('pops items due by now, earliest first, and nothing that is not due', () => {
    const queue = new DueQueue<string>();
    const due = [50, 10, 40, 30, 20, 60, 10];
    due.forEach((at, i) => queue.push(`${at}:${i}`, at));
    expect(queue.popDue(5)).toBeUndefined();
    const popped: string[] = [];
    for (let item = queue.popDue(45); item !== undefined; item = queue.popDue(45)) popped.push(item);
    expect(popped.map((item) => Number(item.split(':')[0]))).toEqual([10, 10, 20, 30, 40]);
    expect(queue.size).toBe(2);
    expect(queue.popDue(100)).toBe('50:0');
  });

  it('pops in due order whatever the order of the pushes', () => {
    const queue = new DueQueue<number>();
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) % 1000;
    const pushed = Array.from({ length: 500 }, () => random());
    pushed.forEach((at) => queue.push(at, at));
    const popped: number[] = [];
    for (let item = queue.popDue(Infinity); item !== undefined; item = queue.popDue(Infinity)) popped.push(item);
    expect(popped).toEqual([...pushed].sort((a, b) => a - b));
  });
});
