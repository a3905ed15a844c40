import { instance } from '../client/test-support/fixtures';
import { LeastOutstandingStrategy } from './least-outstanding.strategy';

describe('LeastOutstandingStrategy', () => {
  const a = instance('a');
  const b = instance('b');
  const c = instance('c');

  it('picks the idle instance', () => {
    const s = new LeastOutstandingStrategy();
    s.onStart(a);
    s.onStart(a);
    s.onStart(c);
    for (let i = 0; i < 5; i++) expect(s.select([a, b, c]).id).toBe('b');
  });

  it('follows calls ending', () => {
    const s = new LeastOutstandingStrategy();
    s.onStart(a);
    s.onStart(b);
    s.onStart(b);
    expect(s.select([a, b]).id).toBe('a');
    s.onEnd(b);
    s.onEnd(b);
    expect(s.select([a, b]).id).toBe('b');
  });

  it('spreads ties instead of piling on the first', () => {
    const s = new LeastOutstandingStrategy();
    const picks = new Set(Array.from({ length: 6 }, () => s.select([a, b, c]).id));
    expect(picks.size).toBe(3);
  });
});
