import { BadRequestException } from '@nestjs/common';
import { parseOperand } from './operand';

describe('parseOperand', () => {
  it.each([
    ['1', 1],
    ['-1.5', -1.5],
    ['.5', 0.5],
    ['2e3', 2000],
  ])('parses %s', (raw, expected) => expect(parseOperand('a', raw)).toBe(expected));

  it.each(['abc', '0x10', 'Infinity', '1e999', ''])('answers 400 naming the parameter for %j', (raw) => {
    expect(() => parseOperand('b', raw)).toThrow(BadRequestException);
    expect(() => parseOperand('b', raw)).toThrow(/^b must be a finite number/);
  });
});
