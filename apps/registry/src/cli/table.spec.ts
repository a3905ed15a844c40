import { formatAge, list, table } from './table';

describe('table', () => {
  it('pads columns two spaces apart, right-aligns all-number columns and trims line ends', () => {
    expect(table(['NAME', 'N', 'TAGS'], [['calc', 12, 'v2'], ['orders', 3, '']])).toBe(
      ['NAME     N  TAGS', 'calc    12  v2', 'orders   3'].join('\n'),
    );
  });

  it('left-aligns a column that mixes numbers and text, and prints headers alone without rows', () => {
    expect(table(['A', 'B'], [[1, 'x'], ['-', 'y']])).toBe('A  B\n1  x\n-  y');
    expect(table(['A', 'B'], [])).toBe('A  B');
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [-5_000, '0s'],
    [59_999, '59s'],
    [185_000, '3m05s'],
    [(5 * 60 + 7) * 60_000, '5h07m'],
    [(3 * 24 + 2) * 3_600_000, '3d2h'],
    [Number.NaN, '-'],
  ])('%d ms → %s', (ms, text) => expect(formatAge(ms)).toBe(text));
});

describe('list', () => {
  it('joins with commas, or says - for none', () => {
    expect(list(['a', 'b'])).toBe('a,b');
    expect(list([])).toBe('-');
  });
});
