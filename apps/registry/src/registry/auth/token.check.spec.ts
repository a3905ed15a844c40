import { TokenCheck } from './token.check';

const tokens = (partial: { read?: string[]; write?: string[]; admin?: string[] }) => ({ read: [], write: [], admin: [], ...partial });

describe('TokenCheck', () => {
  it('leaves everything open without tokens', () => {
    const check = new TokenCheck({ token: undefined, tokens: tokens({}) });
    expect(['read', 'write', 'admin'].map((scope) => check.check(undefined, scope as 'read'))).toEqual(['open', 'open', 'open']);
  });

  it('grants each scope and the narrower ones, refuses the wider, and knows no stranger', () => {
    const check = new TokenCheck({ token: 'legacy', tokens: tokens({ read: ['r'], write: ['w'], admin: ['a'] }) });
    expect(check.check('r', 'read')).toBe('granted');
    expect(check.check('r', 'write')).toBe('insufficient');
    expect(check.check('w', 'read')).toBe('granted');
    expect(check.check('w', 'write')).toBe('granted');
    expect(check.check('w', 'admin')).toBe('insufficient');
    expect(check.check('a', 'admin')).toBe('granted');
    expect(check.check('legacy', 'admin')).toBe('granted');
    expect(check.check('x', 'read')).toBe('unknown');
    expect(check.check(undefined, 'write')).toBe('unknown');
  });

  it('keeps reads open unless a read token is configured, and admin closed once writes are guarded', () => {
    const check = new TokenCheck({ token: undefined, tokens: tokens({ write: ['w'] }) });
    expect(check.check(undefined, 'read')).toBe('open');
    expect(check.check('w', 'admin')).toBe('insufficient');
    expect(check.check(undefined, 'admin')).toBe('unknown');
  });
});
