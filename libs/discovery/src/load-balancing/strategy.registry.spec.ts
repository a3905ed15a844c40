import { instance } from '../client/test-support/fixtures';
import { LoadBalancingStrategy } from './load-balancing-strategy.interface';
import { RoundRobinStrategy } from './round-robin.strategy';
import { StrategyRegistry } from './strategy.registry';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

describe('StrategyRegistry', () => {
  it('resolves built-in names, one object per service', () => {
    const r = new StrategyRegistry();
    const a = r.get('calc', 'weighted');
    expect(a).toBeInstanceOf(WeightedRoundRobinStrategy);
    expect(r.get('calc', 'weighted')).toBe(a);
    expect(r.get('other', 'weighted')).not.toBe(a);
  });

  it('accepts a class or a ready object', () => {
    const r = new StrategyRegistry();
    expect(r.get('calc', RoundRobinStrategy)).toBeInstanceOf(RoundRobinStrategy);
    const custom: LoadBalancingStrategy = { select: (list) => list[list.length - 1] };
    expect(r.get('calc', custom).select([instance('a'), instance('b')], { service: 'calc', attempt: 0 }).id).toBe('b');
  });

  it('rejects an unknown name, naming the choices', () => {
    expect(() => new StrategyRegistry().get('calc', 'fastest' as 'random')).toThrow(/Unknown loadBalancing strategy "fastest".*round-robin/);
  });
});
