import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ResponseValidationError } from '../errors/response-validation.error';

/** Types whose values pass through untouched. */
const PASS_THROUGH: ReadonlySet<unknown> = new Set([String, Number, Boolean, Object, Array]);

/**
 * Turns a parsed answer into an instance of `type` and validates it; throws
 * {@link ResponseValidationError} naming every invalid property path. Arrays are checked
 * element by element. @internal
 */
export function validateResponse(service: string, type: Type | undefined, data: unknown): unknown {
  if (!type || PASS_THROUGH.has(type)) return data;
  if (Array.isArray(data)) {
    const fields: string[] = [];
    const details: string[] = [];
    const items = data.map((item, i) => toInstance(type, item, `[${i}]`, fields, details));
    if (fields.length > 0) throw new ResponseValidationError(service, `${type.name}[]`, fields, details);
    return items;
  }
  const fields: string[] = [];
  const details: string[] = [];
  const instance = toInstance(type, data, '', fields, details);
  if (fields.length > 0) throw new ResponseValidationError(service, type.name, fields, details);
  return instance;
}

function toInstance(type: Type, data: unknown, prefix: string, fields: string[], details: string[]): unknown {
  if (data === null || typeof data !== 'object') {
    fields.push(prefix || '(root)');
    details.push(`${prefix || '(root)'} must be an object`);
    return data;
  }
  const instance: object = plainToInstance(type, data);
  collect(validateSync(instance), prefix, fields, details);
  return instance;
}

function collect(errors: ValidationError[], prefix: string, fields: string[], details: string[]): void {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      fields.push(path);
      details.push(...Object.values(error.constraints));
    }
    if (error.children && error.children.length > 0) collect(error.children, path, fields, details);
  }
}
