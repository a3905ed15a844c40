import { InjectTcpClient } from '@nest-discovery/discovery';
import { TcpServiceClient } from '@nest-discovery/discovery/tcp';
import { BadRequestException, Controller, Get, Param, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { CalcResult } from '../clients/calc.client';
import { parseOperand } from '../grpc/operand';
import { CALC_TCP_CLIENT } from './calc-tcp.client';

const OPERATIONS = new Set(['add', 'sub', 'mul', 'div']);

/**
 * `GET /tcp/calc/:op/:a/:b`: the `/calc` route's arithmetic, answered by calc over the fast lane (length-
 * prefixed JSON frames on persistent TCP connections) through the library's discovery-balanced ClientProxy.
 * calc's 400s come back as 400 with its message; 503 and 504 stay, other failures are 502 (the exception filter).
 */
@ApiTags('calc')
@Controller('tcp/calc')
export class TcpCalcController {
  constructor(@InjectTcpClient(CALC_TCP_CLIENT) private readonly calc: TcpServiceClient) {}

  @Get(':op/:a/:b')
  @ApiOperation({ summary: 'a op b, computed by calc over the fast lane (TCP, discovery-balanced ClientProxy)' })
  @ApiParam({ name: 'op', enum: [...OPERATIONS] })
  @ApiParam({ name: 'a', example: '1.5' })
  @ApiParam({ name: 'b', example: '2' })
  @ApiOkResponse({ type: CalcResult })
  @ApiBadRequestResponse({ description: 'a 400 from calc, or a bad op/operand' })
  async calculate(
    @Param('op') op: string,
    @Param('a') a: string,
    @Param('b') b: string,
    @Req() request: FastifyRequest,
  ): Promise<{ result: number }> {
    if (!OPERATIONS.has(op)) throw new BadRequestException(`op must be one of ${[...OPERATIONS].join(', ')}, got "${op}"`);
    const operands = { a: parseOperand('a', a), b: parseOperand('b', b) };
    // The request id travels in the frame; calc's call line carries it as reqId.
    const { result } = await this.calc.call<{ result: number }>(op, operands, { requestId: request.id });
    return { result };
  }
}
