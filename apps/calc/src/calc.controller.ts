import { Controller, Get } from '@nestjs/common';
import { CalcService } from './calc.service';
import { FiniteNumberParam } from './finite-number.param';

export interface CalcResult {
  result: number;
}

@Controller()
export class CalcController {
  constructor(private readonly calc: CalcService) {}

  @Get('add/:a/:b')
  add(@FiniteNumberParam('a') a: number, @FiniteNumberParam('b') b: number): CalcResult {
    return { result: this.calc.calculate('add', a, b) };
  }

  @Get('sub/:a/:b')
  sub(@FiniteNumberParam('a') a: number, @FiniteNumberParam('b') b: number): CalcResult {
    return { result: this.calc.calculate('sub', a, b) };
  }

  @Get('mul/:a/:b')
  mul(@FiniteNumberParam('a') a: number, @FiniteNumberParam('b') b: number): CalcResult {
    return { result: this.calc.calculate('mul', a, b) };
  }

  @Get('div/:a/:b')
  div(@FiniteNumberParam('a') a: number, @FiniteNumberParam('b') b: number): CalcResult {
    return { result: this.calc.calculate('div', a, b) };
  }
}
