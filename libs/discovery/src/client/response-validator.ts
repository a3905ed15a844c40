import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ResponseValidationError } from '../errors/response-validation.error';
import { CompiledCheck, compileCheck } from './compiled-check';
import { hasTransformMetadata } from './transform-metadata';

/** Types whose values pass through untouched. */
const PASS_THROUGH: ReadonlySet<unknown> = new Set([String, Number, Boolean, Object, Array]);

/** How answers of one class are built and checked, worked out on its first answer. */
interface ResponsePlan {
  /** No class-transformer decorator anywhere on the class: an instance is `new type()` with the answer's fields. */
  readonly plain: boolean;
  /** The fast pass/fail check; undefined: class-validator every time. */
  readonly check: CompiledCheck | undefined;
}

const plans = new WeakMap<Type, ResponsePlan>();

function planOf(type: Type): ResponsePlan {
  let plan = plans.get(type);
  if (plan === undefined) {
    plan = { plain: !hasTransformMetadata(type), check: compileCheck(type) };
    plans.set(type, plan);
  }
  return plan;
}

/**
 * Turns a parsed answer into an instance of `type` and validates it; throws
 * {@link ResponseValidationError} naming every invalid property path. Arrays are checked
 * element by element. On the hot path a class's check is compiled once (see {@link compileCheck}) and
 * class-validator runs only to explain a failure; class-transformer runs only for classes that use it. @internal
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
  const plan = planOf(type);
  const instance: object = plan.plain && !Array.isArray(data) ? assignTo(type, data as Record<string, unknown>) : plainToInstance(type, data);
  if (plan.check !== undefined && plan.check(instance)) return instance;
  collect(validateSync(instance), prefix, fields, details);
  return instance;
}

/**
 * What `plainToInstance` makes of a freshly parsed answer when the class has no class-transformer
 * metadata: `new type()` with the answer's own fields (nested values shared, not copied: nobody else
 * holds them). A `__proto__` field is data, never the instance's prototype.
 */
function assignTo(type: Type, data: Record<string, unknown>): object {
  const instance = new type() as Record<string, unknown>;
  for (const key of Object.keys(data)) {
    if (key === '__proto__') continue;
    instance[key] = data[key];
  }
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
