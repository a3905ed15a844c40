import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { operands } from './operands';

describe('operands', () => {
  const invalid = (request: object): unknown => {
    try {
      operands(request);
    } catch (error) {
      return (error as RpcException).getError();
    }
    return undefined;
  };

  it('takes two finite numbers, zero included', () => {
    expect(operands({ a: 0, b: -1.5 })).toEqual({ a: 0, b: -1.5 });
  });

  it('answers INVALID_ARGUMENT naming the missing or non-finite operand', () => {
    expect(invalid({ b: 1 })).toEqual({ code: status.INVALID_ARGUMENT, message: 'a is required' });
    expect(invalid({ a: 1 })).toEqual({ code: status.INVALID_ARGUMENT, message: 'b is required' });
    expect(invalid({ a: NaN, b: 1 })).toEqual({ code: status.INVALID_ARGUMENT, message: 'a must be a finite number, got NaN' });
    expect(invalid({ a: 1, b: -Infinity })).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'b must be a finite number, got -Infinity',
    });
  });
});
