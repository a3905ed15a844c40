import { BadRequestException, Controller, Get, Param, Req } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { CalcClient, CalcResult } from './clients/calc.client';

const OPERATIONS = ['add', 'sub', 'mul', 'div'] as const;
type Operation = (typeof OPERATIONS)[number];

function isOperation(op: string): op is Operation {
  return (OPERATIONS as readonly string[]).includes(op);
}

/** The original design's gateway route: arithmetic served by calc through a declarative client. */
@Controller('calc')
export class CalcController {
  constructor(private readonly calc: CalcClient) {}

  // Numbers are forwarded as written: calc owns their validation and its 400 names the parameter.
  @Get(':op/:a/:b')
  calculate(@Param('op') op: string, @Param('a') a: string, @Param('b') b: string, @Req() request: FastifyRequest): Promise<CalcResult> {
    if (!isOperation(op)) {
      throw new BadRequestException(`op must be one of ${OPERATIONS.join(', ')}, got "${op}"`);
    }
    return this.calc[op](a, b, request.id);
  }
}
