import { instance } from '../client/test-support/fixtures';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

describe('WeightedRoundRobinStrategy', () => {
  const list = [instance('a', 1, { weight: 5 }), instance('b', 1, { weight: 1 }), instance('c', 1, { weight: 1 })];

  it('respects 5:1:1 exactly over each cycle of 7', () => {
    const s = new WeightedRoundRobinStrategy();
    for (let cycle = 0; cycle < 10; cycle++) {
      const picks = Array.from({ length: 7 }, () => s.select(list).id);
      expect(picks.filter((id) => id === 'a')).toHaveLength(5);
      expect(picks.filter((id) => id === 'b')).toHaveLength(1);
      expect(picks.filter((id) => id === 'c')).toHaveLength(1);
    }
  });

  it('interleaves the heavy instance (nginx smooth sequence)', () => {
    const s = new WeightedRoundRobinStrategy();
    const picks = Array.from({ length: 7 }, () => s.select(list).id).join('');
    expect(picks).toBe('aabacaa');
    expect(picks).not.toContain('aaa');
  });

  it('treats equal weights as plain round-robin', () => {
    const s = new WeightedRoundRobinStrategy();
    const equal = [instance('a'), instance('b'), instance('c')];
    expect(Array.from({ length: 6 }, () => s.select(equal).id).join('')).toBe('abcabc');
  });
});
