import { Logger } from '@nestjs/common';
import { RoundRobinStrategy } from '../load-balancing/round-robin.strategy';
import { LoadBalancingStrategy } from '../load-balancing/load-balancing-strategy.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { InstanceSelector } from './instance-selector';
import { instance } from './test-support/fixtures';

Logger.overrideLogger(false);

describe('InstanceSelector', () => {
  const a = instance('a', 1, { tags: ['v2'], metadata: { zone: 'eu' } });
  const b = instance('b', 2, { tags: ['v1'], metadata: { zone: 'us' } });
  const c = instance('c', 3, { tags: ['v2'], metadata: { zone: 'us' } });
  const all = [a, b, c];
  let ejection: OutlierEjection;
  beforeEach(() => (ejection = new OutlierEjection({ consecutiveFailures: 1, cooldownMs: 60_000 })));

  const picks = (selector: InstanceSelector, n: number, opts: Parameters<InstanceSelector['select']>[3] = undefined) => {
    const strategy = new RoundRobinStrategy();
    return new Set(Array.from({ length: n }, () => selector.select('svc', all, strategy, opts, undefined, 0)?.id));
  };

  it('prefers the caller zone when any in-zone candidate remains', () => {
    expect(picks(new InstanceSelector(ejection, 'us'), 10)).toEqual(new Set(['b', 'c']));
    expect(picks(new InstanceSelector(ejection, 'eu'), 10)).toEqual(new Set(['a']));
  });

  it('falls back to every zone when the caller zone is empty', () => {
    expect(picks(new InstanceSelector(ejection, 'ap'), 10)).toEqual(new Set(['a', 'b', 'c']));
    ejection.onFailure('a');
    expect(picks(new InstanceSelector(ejection, 'eu'), 10)).toEqual(new Set(['b', 'c']));
  });

  it('filters by tags and metadata before selecting', () => {
    const selector = new InstanceSelector(ejection, undefined);
    expect(picks(selector, 10, { tags: ['v2'] })).toEqual(new Set(['a', 'c']));
    expect(picks(selector, 10, { tags: ['v2'], metadata: { zone: 'us' } })).toEqual(new Set(['c']));
    expect(picks(selector, 3, { tags: ['v9'] })).toEqual(new Set([undefined]));
  });

  it('drops ejected instances, and explains an empty result', () => {
    const selector = new InstanceSelector(ejection, undefined);
    for (const i of all) ejection.onFailure(i.id);
    expect(picks(selector, 3)).toEqual(new Set([undefined]));
    expect(selector.explain(all, undefined)).toMatch(/all 3 ejected/);
    expect(selector.explain([], undefined)).toBe('none registered');
    expect(selector.explain(all, { tags: ['x'] })).toMatch(/match the filter/);
  });

  it('avoids instances already tried in this call when others exist', () => {
    const selector = new InstanceSelector(ejection, undefined);
    const strategy = new RoundRobinStrategy();
    for (let i = 0; i < 6; i++) {
      expect(selector.select('svc', all, strategy, undefined, [a, b], 1)?.id).toBe('c');
    }
    expect(selector.select('svc', [a], strategy, undefined, [a], 1)?.id).toBe('a');
  });

  it('short-circuits a list of one without asking the strategy', () => {
    const strategy: LoadBalancingStrategy = { select: () => { throw new Error('asked'); } };
    expect(new InstanceSelector(ejection, undefined).select('svc', [b], strategy, undefined, undefined, 0)?.id).toBe('b');
  });
});
