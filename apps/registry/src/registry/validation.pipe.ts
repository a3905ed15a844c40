import { ArgumentMetadata, BadRequestException, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * The registry's one ValidationPipe: unknown fields are rejected, values are transformed to the
 * DTO types, and the 400's message is a single string naming every offending field. A body that
 * is not a JSON object (array, string, nothing) is rejected before field checks, which would
 * otherwise report confusing "property 0 should not exist" messages.
 */
@Injectable()
export class RegistryValidationPipe extends ValidationPipe {
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
    return super.transform(value, metadata);
  }
}

function describe(errors: ValidationError[]): string {
  const messages = errors.flatMap(function collect(error: ValidationError): string[] {
    const own = Object.values(error.constraints ?? {});
    return [...own, ...(error.children ?? []).flatMap(collect)];
  });
  return messages.length > 0 ? messages.join('; ') : 'request is invalid';
}
