import { Logger } from '@nestjs/common';
import { OutlierEjection } from './outlier-ejection';

Logger.overrideLogger(false);

describe('OutlierEjection', () => {
  let now: number;
  let ejection: OutlierEjection;
  beforeEach(() => {
    now = 1_000;
    ejection = new OutlierEjection({ consecutiveFailures: 3, cooldownMs: 500 }, () => now);
  });

  const fail = (n: number) => {
    for (let i = 0; i < n; i++) ejection.onFailure('a');
  };

  it('stays closed below the threshold, and a success resets the count', () => {
    fail(2);
    ejection.onSuccess('a');
    fail(2);
    expect(ejection.state('a')).toBe('closed');
    expect(ejection.isAvailable('a')).toBe(true);
    expect(ejection.allClosed).toBe(true);
  });

  it('opens after N consecutive failures and stays open for the cooldown', () => {
    fail(3);
    expect(ejection.state('a')).toBe('open');
    expect(ejection.allClosed).toBe(false);
    expect(ejection.isAvailable('a')).toBe(false);
    now += 499;
    expect(ejection.isAvailable('a')).toBe(false);
    expect(ejection.isAvailable('b')).toBe(true);
  });

  it('lets exactly one probe through after the cooldown; success closes', () => {
    fail(3);
    now += 500;
    expect(ejection.isAvailable('a')).toBe(true);
    ejection.acquire('a');
    expect(ejection.state('a')).toBe('half-open');
    expect(ejection.isAvailable('a')).toBe(false); // the probe is in flight
    ejection.onSuccess('a');
    expect(ejection.state('a')).toBe('closed');
    expect(ejection.isAvailable('a')).toBe(true);
    expect(ejection.allClosed).toBe(true);
  });

  it('re-ejects when the probe fails, for another full cooldown', () => {
    fail(3);
    now += 500;
    ejection.acquire('a');
    ejection.onFailure('a');
    expect(ejection.state('a')).toBe('open');
    expect(ejection.isAvailable('a')).toBe(false);
    now += 499;
    expect(ejection.isAvailable('a')).toBe(false);
    now += 1;
    expect(ejection.isAvailable('a')).toBe(true);
  });

  it('frees the probe slot when the probe ends without a verdict', () => {
    fail(3);
    now += 500;
    ejection.acquire('a');
    ejection.release('a');
    expect(ejection.state('a')).toBe('half-open');
    expect(ejection.isAvailable('a')).toBe(true);
  });

  it('after closing, needs N fresh failures to open again', () => {
    fail(3);
    now += 500;
    ejection.acquire('a');
    ejection.onSuccess('a');
    fail(2);
    expect(ejection.state('a')).toBe('closed');
    fail(1);
    expect(ejection.state('a')).toBe('open');
  });

  it('forgets instances that left', () => {
    fail(3);
    ejection.retain(new Set(['b']));
    expect(ejection.state('a')).toBe('closed');
    expect(ejection.allClosed).toBe(true);
  });
});
