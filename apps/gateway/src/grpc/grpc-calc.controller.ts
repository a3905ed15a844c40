import { GrpcServiceClient, InjectGrpcClient } from '@nest-discovery/discovery';
import { BadRequestException, Controller, Get, Param, Req } from '@nestjs/common';
import type { CalculatorDefinition } from '@proto/calc/Calculator';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { CalcResult } from '../clients/calc.client';
import { CALC_GRPC_CLIENT } from './calc-grpc.client';
import { parseOperand } from './operand';

const METHODS = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div' } as const;
type Operation = keyof typeof METHODS;

function isOperation(op: string): op is Operation {
  return Object.prototype.hasOwnProperty.call(METHODS, op);
}

/**
 * `GET /grpc/calc/:op/:a/:b`: the `/calc` route's arithmetic, answered by calc over gRPC through the
 * discovery library's load-balanced client. gRPC statuses become HTTP ones in the exception filter
 * (INVALID_ARGUMENT 400, NOT_FOUND 404, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, others 502).
 */
@ApiTags('calc')
@Controller('grpc/calc')
export class GrpcCalcController {
  constructor(@InjectGrpcClient(CALC_GRPC_CLIENT) private readonly calc: GrpcServiceClient<CalculatorDefinition>) {}

  @Get(':op/:a/:b')
  @ApiOperation({ summary: 'a op b, computed by calc over gRPC (load-balanced gRPC client)' })
  @ApiParam({ name: 'op', enum: Object.keys(METHODS) })
  @ApiParam({ name: 'a', example: '1.5' })
  @ApiParam({ name: 'b', example: '2' })
  @ApiOkResponse({ type: CalcResult })
  @ApiBadRequestResponse({ description: 'INVALID_ARGUMENT from calc, or a bad op/operand' })
  async calculate(
    @Param('op') op: string,
    @Param('a') a: string,
    @Param('b') b: string,
    @Req() request: FastifyRequest,
  ): Promise<{ result: number }> {
    if (!isOperation(op)) {
      throw new BadRequestException(`op must be one of ${Object.keys(METHODS).join(', ')}, got "${op}"`);
    }
    const operands = { a: parseOperand('a', a), b: parseOperand('b', b) };
    // The request id travels as metadata; calc's server interceptor answers it back in the trailers.
    const { result } = await this.calc.call(METHODS[op], operands, { metadata: { 'x-request-id': request.id } });
    return { result };
  }
}
