import { Controller, Get, Param } from '@nestjs/common';
import { CalcService } from './calc.service';
import { ParseFiniteNumberPipe } from './parse-finite-number.pipe';

export interface CalcResult {
  result: number;
}

@Controller()
export class CalcController {
  constructor(private readonly calc: CalcService) {}

  @Get('add/:a/:b')
  add(@Param('a', ParseFiniteNumberPipe) a: number, @Param('b', ParseFiniteNumberPipe) b: number): CalcResult {
    return { result: this.calc.calculate('add', a, b) };
  }

  @Get('sub/:a/:b')
  sub(@Param('a', ParseFiniteNumberPipe) a: number, @Param('b', ParseFiniteNumberPipe) b: number): CalcResult {
    return { result: this.calc.calculate('sub', a, b) };
  }

  @Get('mul/:a/:b')
  mul(@Param('a', ParseFiniteNumberPipe) a: number, @Param('b', ParseFiniteNumberPipe) b: number): CalcResult {
    return { result: this.calc.calculate('mul', a, b) };
  }

  @Get('div/:a/:b')
  div(@Param('a', ParseFiniteNumberPipe) a: number, @Param('b', ParseFiniteNumberPipe) b: number): CalcResult {
    return { result: this.calc.calculate('div', a, b) };
  }
}
