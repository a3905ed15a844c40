import { Controller, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Operands__Output } from '@proto/calc/Operands';
import type { Result } from '@proto/calc/Result';
import { CalcService, Operation } from '../calc.service';
import { HttpToGrpcExceptionFilter } from './http-to-grpc.exception-filter';
import { operands } from './operands';

/** `calc.Calculator` (proto/calc.proto): the HTTP routes' arithmetic, over gRPC. */
@Controller()
@UseFilters(HttpToGrpcExceptionFilter)
export class CalcGrpcController {
  constructor(private readonly calc: CalcService) {}

  @GrpcMethod('Calculator', 'Add')
  add(request: Operands__Output): Result {
    return this.answer('add', request);
  }

  @GrpcMethod('Calculator', 'Sub')
  sub(request: Operands__Output): Result {
    return this.answer('sub', request);
  }

  @GrpcMethod('Calculator', 'Mul')
  mul(request: Operands__Output): Result {
    return this.answer('mul', request);
  }

  @GrpcMethod('Calculator', 'Div')
  div(request: Operands__Output): Result {
    return this.answer('div', request);
  }

  private answer(op: Operation, request: Operands__Output): Result {
    const { a, b } = operands(request);
    return { result: this.calc.calculate(op, a, b) };
  }
}
