import { BadRequestException } from '@nestjs/common';
import { parseFiniteNumber } from './finite-number.param';

describe('parseFiniteNumber', () => {
  const parse = (value: string): number => parseFiniteNumber(value, 'a');

  it.each([
    ['1', 1],
    ['-2', -2],
    ['+3', 3],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['-0.25', -0.25],
    ['2e3', 2000],
    ['1.5E-2', 0.015],
  ])('parses %s', (raw, expected) => {
    expect(parse(raw)).toBe(expected);
  });

  it.each(['abc', '', '1e999', 'Infinity', 'NaN', '0x10', '1,5', '1.2.3', ' 1'])('rejects %j naming the parameter', (raw) => {
    expect(() => parse(raw)).toThrow(BadRequestException);
    expect(() => parse(raw)).toThrow(/^a must be a finite number/);
  });
});
