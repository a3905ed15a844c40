import { BadRequestException, Injectable } from '@nestjs/common';

export type Operation = 'add' | 'sub' | 'mul' | 'div';

@Injectable()
export class CalcService {
  calculate(op: Operation, a: number, b: number): number {
    switch (op) {
      case 'add':
        return a + b;
      case 'sub':
        return a - b;
      case 'mul':
        return a * b;
      case 'div':
        if (b === 0) throw new BadRequestException('b must not be zero: division by zero');
        return a / b;
    }
  }
}
