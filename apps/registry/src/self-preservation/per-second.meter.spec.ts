import { PerSecondMeter } from './per-second.meter';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const S0 = T0 / 1000;

describe('PerSecondMeter', () => {
  it('counts events by whole second, the end of a range excluded', () => {
    const meter = new PerSecondMeter(10);
    meter.record(T0);
    meter.record(T0 + 999, 2);
    meter.record(T0 + 1000);
    expect(meter.count(S0, S0 + 1)).toBe(3);
    expect(meter.count(S0 + 1, S0 + 2)).toBe(1);
    expect(meter.count(S0, S0 + 2)).toBe(4);
    expect(meter.count(S0 - 5, S0)).toBe(0);
  });

  it('forgets seconds beyond its horizon, even when their slot was not reused', () => {
    const meter = new PerSecondMeter(3);
    meter.record(T0);
    meter.record(T0 + 2000);
    expect(meter.count(S0, S0 + 4)).toBe(2);
    // Slot of S0 is reused by S0 + 4: the old count does not leak into it.
    meter.record(T0 + 4000);
    expect(meter.count(S0 + 4, S0 + 5)).toBe(1);
    expect(meter.count(S0, S0 + 5)).toBe(2);
    // Far later, nothing recorded in between: every old slot reads as 0.
    expect(meter.count(S0 + 100, S0 + 104)).toBe(0);
  });
});
