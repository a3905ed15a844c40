import { instance } from '../client/test-support/fixtures';
import { RoundRobinStrategy } from './round-robin.strategy';

describe('RoundRobinStrategy', () => {
  it('visits each instance in turn', () => {
    const list = [instance('a'), instance('b'), instance('c')];
    const s = new RoundRobinStrategy();
    const picks = Array.from({ length: 9 }, () => s.select(list).id);
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('stays in range when the list shrinks', () => {
    const s = new RoundRobinStrategy();
    const three = [instance('a'), instance('b'), instance('c')];
    s.select(three);
    s.select(three);
    const one = [instance('x')];
    expect(s.select(one).id).toBe('x');
  });
});
