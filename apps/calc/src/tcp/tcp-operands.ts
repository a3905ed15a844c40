import { BadRequestException } from '@nestjs/common';

function operand(data: Record<string, unknown>, name: 'a' | 'b'): number {
  const value = data[name];
  if (value === undefined || value === null) throw new BadRequestException(`${name} is required`);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new BadRequestException(`${name} must be a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Both operands of a fast-lane message (`{ a, b }`), or a 400 naming the missing or non-finite one. */
export function tcpOperands(data: unknown): { a: number; b: number } {
  if (typeof data !== 'object' || data === null) throw new BadRequestException('the message must be an object { a, b }');
  const record = data as Record<string, unknown>;
  return { a: operand(record, 'a'), b: operand(record, 'b') };
}
