import { Controller, Get, Param, ParseFloatPipe } from '@nestjs/common';
import { CalcClient } from './calc.client';

@Controller()
export class SumController {
  constructor(private readonly calc: CalcClient) {}

  @Get('sum/:a/:b')
  sum(@Param('a', ParseFloatPipe) a: number, @Param('b', ParseFloatPipe) b: number): Promise<{ result: number }> {
    return this.calc.add(a, b);
  }
}
