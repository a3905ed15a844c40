import { status } from '@grpc/grpc-js';
import type { Operands__Output } from '@proto/calc/Operands';
import { RpcException } from '@nestjs/microservices';

function operand(name: 'a' | 'b', value: number | undefined): number {
  if (value === undefined || value === null) {
    throw new RpcException({ code: status.INVALID_ARGUMENT, message: `${name} is required` });
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RpcException({ code: status.INVALID_ARGUMENT, message: `${name} must be a finite number, got ${String(value)}` });
  }
  return value;
}

/** Both operands of a gRPC request, or INVALID_ARGUMENT naming the missing or non-finite one. */
export function operands(request: Operands__Output): { a: number; b: number } {
  return { a: operand('a', request.a), b: operand('b', request.b) };
}
