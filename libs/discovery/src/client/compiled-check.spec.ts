import 'reflect-metadata';
import { Type as TransformType } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { compileCheck } from './compiled-check';
import { hasTransformMetadata } from './transform-metadata';

class Flat {
  @IsNumber({ allowNaN: false, allowInfinity: false }) result!: number;
  @IsOptional() @IsString() note?: string;
  @IsInt({ each: true }) @ArrayMaxSize(3) ids!: number[];
  @IsIn(['a', 'b']) kind!: string;
  @Min(0) @Max(10) score!: number;
}

class Conditional {
  @IsBoolean() enabled!: boolean;
  @ValidateIf((o: Conditional) => o.enabled) @IsDefined() @IsString() reason?: string;
}

class Child {
  @IsString() name!: string;
}

class Parent {
  @ValidateNested() @TransformType(() => Child) child!: Child;
}

class Base {
  @IsString() id!: string;
}

class Derived extends Base {
  @IsInt() count!: number;
}

class Undecorated {
  value!: number;
}

/** Same answer as class-validator, value by value: the compiled check may only say "valid" when it is. */
function expectSameVerdicts<T extends object>(type: new () => T, values: Array<Partial<Record<keyof T, unknown>>>): void {
  const check = compileCheck(type);
  expect(check).toBeDefined();
  for (const value of values) {
    const instance = Object.assign(new type(), value);
    expect({ value, valid: check!(instance) }).toEqual({ value, valid: validateSync(instance).length === 0 });
  }
}

describe('compileCheck', () => {
  it('passes and fails exactly where class-validator does (each, optional, ranges, lists)', () => {
    const valid = { result: 3, ids: [1, 2], kind: 'a', score: 5 };
    expectSameVerdicts(Flat, [
      valid,
      { ...valid, note: 'x' },
      { ...valid, note: null },
      { ...valid, note: 7 },
      { ...valid, result: '3' },
      { ...valid, result: undefined },
      { ...valid, ids: [1, 2.5] },
      { ...valid, ids: [1, 2, 3, 4] },
      { ...valid, ids: 'nope' },
      { ...valid, kind: 'c' },
      { ...valid, score: 11 },
      { ...valid, score: -1 },
      {},
    ]);
  });

  it('skips a property whose @ValidateIf / @IsOptional condition does not hold, as class-validator does', () => {
    expectSameVerdicts(Conditional, [{ enabled: false }, { enabled: true }, { enabled: true, reason: 'x' }, { enabled: true, reason: 1 }, { enabled: 'yes' }]);
  });

  it('covers inherited constraints', () => {
    expectSameVerdicts(Derived, [{ id: 'a', count: 1 }, { id: 'a', count: 1.5 }, { id: 2, count: 1 }, { count: 1 }]);
  });

  it('leaves classes it cannot reproduce exactly to class-validator', () => {
    expect(compileCheck(Parent)).toBeUndefined(); // nested validation
    expect(compileCheck(Undecorated)).toBeUndefined(); // no constraint: class-validator reports an unknown value
  });
});

describe('hasTransformMetadata', () => {
  it('is true only for classes (or ancestors) carrying class-transformer decorators', () => {
    expect(hasTransformMetadata(Parent)).toBe(true);
    class SubParent extends Parent {}
    expect(hasTransformMetadata(SubParent)).toBe(true);
    expect(hasTransformMetadata(Flat)).toBe(false);
    expect(hasTransformMetadata(Undecorated)).toBe(false);
  });
});
