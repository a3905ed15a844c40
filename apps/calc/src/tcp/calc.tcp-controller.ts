import { TcpExceptionFilter } from '@nest-discovery/discovery/tcp';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CalcService, Operation } from '../calc.service';
import { tcpOperands } from './tcp-operands';

/**
 * The HTTP routes' arithmetic over the fast lane: patterns `add`, `sub`, `mul`, `div`, each taking
 * `{ a, b }` and answering `{ result }`. CalcService's 400 (division by zero) and a bad operand come back as
 * 400 error frames with their message (TcpExceptionFilter).
 */
@Controller()
@UseFilters(TcpExceptionFilter)
export class CalcTcpController {
  constructor(private readonly calc: CalcService) {}

  @MessagePattern('add')
  add(@Payload() data: unknown): { result: number } {
    return this.answer('add', data);
  }

  @MessagePattern('sub')
  sub(@Payload() data: unknown): { result: number } {
    return this.answer('sub', data);
  }

  @MessagePattern('mul')
  mul(@Payload() data: unknown): { result: number } {
    return this.answer('mul', data);
  }

  @MessagePattern('div')
  div(@Payload() data: unknown): { result: number } {
    return this.answer('div', data);
  }

  private answer(op: Operation, data: unknown): { result: number } {
    const { a, b } = tcpOperands(data);
    return { result: this.calc.calculate(op, a, b) };
  }
}
