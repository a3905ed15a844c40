import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

// Decimal, signed and exponent forms ("-1.5", "2e3", ".5"); rejects hex, "Infinity", "" and
// anything Number() would quietly coerce.
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Parses a route parameter as a finite number, or answers 400 naming the parameter. */
@Injectable()
export class ParseFiniteNumberPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const parsed = NUMBER.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(parsed)) {
      throw new BadRequestException(`${metadata.data ?? 'value'} must be a finite number, got "${value}"`);
    }
    return parsed;
  }
}
