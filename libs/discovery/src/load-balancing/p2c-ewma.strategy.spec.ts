import { instance } from '../client/test-support/fixtures';
import { P2cEwmaStrategy } from './p2c-ewma.strategy';

describe('P2cEwmaStrategy', () => {
  it('favours the faster instance', () => {
    const fast = instance('fast');
    const slow = instance('slow');
    const s = new P2cEwmaStrategy();
    for (let i = 0; i < 5; i++) {
      s.onStart(fast);
      s.onEnd(fast, { latencyMs: 2, ok: true });
      s.onStart(slow);
      s.onEnd(slow, { latencyMs: 50, ok: true });
    }
    let fastPicks = 0;
    for (let i = 0; i < 1000; i++) if (s.select([fast, slow]).id === 'fast') fastPicks++;
    expect(fastPicks).toBe(1000);
  });

  it('weighs outstanding calls, and with three instances still favours the fast one', () => {
    const list = [instance('a'), instance('b'), instance('c')];
    const s = new P2cEwmaStrategy();
    for (const i of list) {
      s.onStart(i);
      s.onEnd(i, { latencyMs: i.id === 'a' ? 1 : 20, ok: true });
    }
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const id = s.select(list).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // 'a' wins every pair it is in: 2 of the 3 possible pairs.
    expect(counts.get('a')!).toBeGreaterThan(1800);
  });

  it('penalises failures', () => {
    const good = instance('good');
    const bad = instance('bad');
    const s = new P2cEwmaStrategy();
    s.onStart(good);
    s.onEnd(good, { latencyMs: 30, ok: true });
    s.onStart(bad);
    s.onEnd(bad, { latencyMs: 1, ok: false });
    expect(s.select([good, bad]).id).toBe('good');
  });
});
