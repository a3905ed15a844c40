import { BadRequestException } from '@nestjs/common';

// The same numbers calc's HTTP routes take: decimal, signed, exponent ("-1.5", "2e3", ".5"); not hex,
// "Infinity" or "". A gRPC operand is a double, so the text is checked here rather than by calc.
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Parses a route parameter as a finite number, or answers 400 naming it. */
export function parseOperand(name: string, raw: string): number {
  const value = NUMBER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) throw new BadRequestException(`${name} must be a finite number, got "${raw}"`);
  return value;
}
