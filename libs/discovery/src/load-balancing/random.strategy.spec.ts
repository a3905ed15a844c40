import { instance } from '../client/test-support/fixtures';
import { RandomStrategy } from './random.strategy';

describe('RandomStrategy', () => {
  it('spreads picks roughly evenly', () => {
    const list = [instance('a'), instance('b'), instance('c'), instance('d')];
    const s = new RandomStrategy();
    const counts = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      const id = s.select(list).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(counts.get(id)).toBeGreaterThan(1700);
      expect(counts.get(id)).toBeLessThan(2300);
    }
  });
});
