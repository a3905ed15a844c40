import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';

// Decimal, signed and exponent forms ("-1.5", "2e3", ".5"); rejects hex, "Infinity", "" and
// anything Number() would quietly coerce.
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** `value` as a finite number, or a 400 naming the parameter `name`. */
export function parseFiniteNumber(value: string | undefined, name: string): number {
  const parsed = value !== undefined && NUMBER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed)) {
    throw new BadRequestException(`${name} must be a finite number, got "${value ?? ''}"`);
  }
  return parsed;
}

/**
 * The route parameter `name` as a finite number, or a 400 naming it. A parameter decorator rather than
 * `@Param(name, pipe)`: Nest extracts it synchronously, where a pipe costs promises per parameter per request.
 *
 * @example add(@FiniteNumberParam('a') a: number)
 */
export const FiniteNumberParam = createParamDecorator((name: string, context: ExecutionContext): number =>
  parseFiniteNumber(context.switchToHttp().getRequest<{ params: Record<string, string | undefined> }>().params[name], name),
);
