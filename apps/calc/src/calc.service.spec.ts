import { BadRequestException } from '@nestjs/common';
import { CalcService } from './calc.service';

describe('CalcService', () => {
  const calc = new CalcService();

  it('computes the four operations', () => {
    expect(calc.calculate('add', 1, 2)).toBe(3);
    expect(calc.calculate('sub', 1, 2)).toBe(-1);
    expect(calc.calculate('mul', -1.5, 2)).toBe(-3);
    expect(calc.calculate('div', 1, 4)).toBe(0.25);
  });

  it('refuses division by zero', () => {
    expect(() => calc.calculate('div', 1, 0)).toThrow(BadRequestException);
    expect(() => calc.calculate('div', 1, -0)).toThrow(/division by zero/);
  });
});
