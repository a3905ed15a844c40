import { ArgumentMetadata, BadRequestException, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { FAST_CHECKS } from './dto/fast-checks';

/** How many distinct valid inputs the pipe remembers. */
export const VALIDATION_CACHE_SIZE = 4096;

/**
 * The registry's one ValidationPipe: unknown fields are rejected, values are transformed to the
 * DTO types, and the 400's message is a single string naming every offending field. A body that
 * is not a JSON object (array, string, nothing) is rejected before field checks, which would
 * otherwise report confusing "property 0 should not exist" messages.
 *
 * The hot paths' inputs (a renewal's body and query, a lookup's or a watch's) first meet a fast check
 * ({@link FAST_CHECKS}: a compiled JSON schema, a few comparisons) that passes the plainly valid through
 * as they are; only what it refuses reaches class-transformer and class-validator, which then say what
 * is wrong in the same words as ever.
 *
 * Other inputs' validation is memoized: the checks are pure functions of the input, so an input seen
 * valid before is answered with the same (deep-frozen) DTO. Only valid inputs are remembered, at most
 * {@link VALIDATION_CACHE_SIZE}, oldest dropped first.
 */
@Injectable()
export class RegistryValidationPipe extends ValidationPipe {
  private readonly valid = new Map<string, unknown>();

  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new BadRequestException(describe(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestException('body must be a JSON object');
    }
    if (metadata.type === 'custom' || metadata.metatype === undefined || !this.toValidate(metadata)) {
      return super.transform(value, metadata);
    }
    const fast = FAST_CHECKS.get(metadata.metatype)?.(value);
    if (fast !== undefined) return fast;
    const key = `${metadata.type}:${metadata.metatype.name}:${JSON.stringify(value)}`;
    const known = this.valid.get(key);
    if (known !== undefined) return known;
    const result: unknown = await super.transform(value, metadata);
    if (this.valid.size >= VALIDATION_CACHE_SIZE) this.valid.delete(this.valid.keys().next().value as string);
    this.valid.set(key, deepFreeze(result));
    return result;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function describe(errors: ValidationError[]): string {
  const messages = errors.flatMap(function collect(error: ValidationError): string[] {
    const own = Object.values(error.constraints ?? {});
    return [...own, ...(error.children ?? []).flatMap(collect)];
  });
  return messages.length > 0 ? messages.join('; ') : 'request is invalid';
}
