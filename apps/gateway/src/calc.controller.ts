import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CalcClient, CalcResult } from './clients/calc.client';

export const OPERATIONS = ['add', 'sub', 'mul', 'div'] as const;
type Operation = (typeof OPERATIONS)[number];

function isOperation(op: string): op is Operation {
  return (OPERATIONS as readonly string[]).includes(op);
}

/** The original design's gateway route: arithmetic served by calc through a declarative client. */
@ApiTags('calc')
@Controller('calc')
export class CalcController {
  constructor(private readonly calc: CalcClient) {}

  // Numbers are forwarded as written: calc owns their validation and its 400 names the parameter.
  @Get(':op/:a/:b')
  @ApiOperation({ summary: 'a op b, computed by calc over HTTP (declarative client)' })
  @ApiParam({ name: 'op', enum: OPERATIONS })
  @ApiParam({ name: 'a', description: 'A finite number: integer, decimal, negative or exponent form', example: '1.5' })
  @ApiParam({ name: 'b', description: 'A finite number (not 0 for div)', example: '2' })
  @ApiOkResponse({ type: CalcResult })
  @ApiBadRequestResponse({ description: 'An unknown op, a parameter that is not a finite number (named), or division by zero' })
  calculate(@Param('op') op: string, @Param('a') a: string, @Param('b') b: string): Promise<CalcResult> {
    if (!isOperation(op)) {
      throw new BadRequestException(`op must be one of ${OPERATIONS.join(', ')}, got "${op}"`);
    }
    return this.calc[op](a, b);
  }
}
