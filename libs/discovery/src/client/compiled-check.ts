import { Type } from '@nestjs/common';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

/** Whether an instance passes every constraint of its class: true means valid; false means "ask class-validator". @internal */
export type CompiledCheck = (instance: object) => boolean;

/** The synchronous `validate` of one constraint, with the metadata that declared it. */
interface Constraint {
  readonly validate: (value: unknown, args: ValidationArguments) => unknown;
  readonly constraints: unknown[];
  readonly each: boolean;
}

type Condition = (object: object, value: unknown) => boolean;

interface PropertyPlan {
  readonly property: string;
  readonly conditions: Condition[];
  /** `@IsDefined` first, then the rest, as class-validator runs them. */
  readonly constraints: Constraint[];
}

/**
 * Compiles the check `validateSync(instance)` (default options) performs for `type` into one function, once:
 * the metadata lookups, groupings and error objects class-validator builds on every call are done here, and
 * each call only runs the constraints' own `validate` functions — the very ones class-validator calls, so a
 * value passes exactly when it would. A failing value is never explained here: the caller then runs
 * class-validator for its messages. Undefined when the class uses what this does not reproduce exactly
 * (`@ValidateNested`, `@ValidatePromise`, groups, `always`, or no constraint at all, which class-validator
 * reports as an unknown value): such classes always go through class-validator. @internal
 */
export function compileCheck(type: Type): CompiledCheck | undefined {
  const storage = getMetadataStorage();
  // validateSync's defaults: always false, strictGroups false, no groups.
  const metadatas = storage.getTargetValidationMetadatas(type, '', false, false, undefined);
  if (metadatas.length === 0) return undefined;
  const plans: PropertyPlan[] = [];
  for (const [property, list] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const conditions: Condition[] = [];
    const defined: Constraint[] = [];
    const others: Constraint[] = [];
    for (const metadata of list) {
      if (metadata.always !== undefined || (metadata.groups !== undefined && metadata.groups.length > 0)) return undefined;
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          conditions.push(metadata.constraints[0] as Condition);
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION:
          for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
            // validateSync skips asynchronous constraints.
            if (constraint.async) continue;
            const instance = constraint.instance as { validate: Constraint['validate'] };
            (metadata.type === ValidationTypes.IS_DEFINED ? defined : others).push({
              validate: instance.validate.bind(instance),
              constraints: metadata.constraints,
              each: metadata.each === true,
            });
          }
          break;
        case ValidationTypes.WHITELIST:
          break;
        default:
          return undefined;
      }
    }
    plans.push({ property, conditions, constraints: [...defined, ...others] });
  }
  const targetName = type.name;
  return (instance) => {
    for (const plan of plans) {
      const value = (instance as Record<string, unknown>)[plan.property];
      if (value instanceof Promise) return false;
      if (!conditionsHold(plan.conditions, instance, value)) continue;
      for (const constraint of plan.constraints) {
        const args: ValidationArguments = { targetName, property: plan.property, object: instance, value, constraints: constraint.constraints };
        if (!passes(constraint, value, args)) return false;
      }
    }
    return true;
  };
}

function conditionsHold(conditions: Condition[], instance: object, value: unknown): boolean {
  for (const condition of conditions) if (!condition(instance, value)) return false;
  return true;
}

/** A thenable answer is left to class-validator too (it would not count it as a pass). */
function passes(constraint: Constraint, value: unknown, args: ValidationArguments): boolean {
  if (!constraint.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
    return isPass(constraint.validate(value, args));
  }
  const items = Array.isArray(value) ? value : value instanceof Set ? [...value] : [...value.values()];
  for (const item of items) if (!isPass(constraint.validate(item, args))) return false;
  return true;
}

function isPass(result: unknown): boolean {
  return Boolean(result) && typeof (result as { then?: unknown }).then !== 'function';
}
