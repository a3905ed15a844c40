import { isFQDN, isIP, ValidateBy, ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';

/** An integer in [min, max]; one message for every way of missing it (NaN, fraction, range, type). */
export function IsIntInRange(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIntInRange',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
        defaultMessage: (args) => `${args?.property} must be an integer between ${min} and ${max}`,
      },
    },
    options,
  );
}

/** A hostname (labels, no TLD required) or an IPv4/IPv6 address. */
export function IsHost(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHost',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          value.length <= 253 &&
          (isIP(value) || isFQDN(value, { require_tld: false, allow_underscores: true })),
        defaultMessage: (args) => `${args?.property} must be a hostname or an IP address`,
      },
    },
    options,
  );
}

export interface StringMapLimits {
  maxEntries: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/** A plain object whose values are all strings, within size limits (metadata). */
export function IsStringMap(limits: StringMapLimits, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringMap',
      constraints: [limits],
      validator: {
        validate: (value: unknown) => stringMapProblem(value, limits) === undefined,
        defaultMessage: (args) => `${args?.property} ${stringMapProblem(args?.value, limits) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

function stringMapProblem(value: unknown, limits: StringMapLimits): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const keys = Object.keys(value);
  if (keys.length > limits.maxEntries) return `must have at most ${limits.maxEntries} entries`;
  for (const key of keys) {
    const entry = (value as Record<string, unknown>)[key];
    if (key.length === 0 || key.length > limits.maxKeyLength) {
      return `keys must be 1 to ${limits.maxKeyLength} characters long`;
    }
    if (typeof entry !== 'string') return `.${key} must be a string`;
    if (entry.length > limits.maxValueLength) return `.${key} must be at most ${limits.maxValueLength} characters long`;
  }
  return undefined;
}

/**
 * Query strings arrive as text: turn a run of digits into a number and leave anything else as is,
 * so the integer check rejects it with a message naming the parameter ("abc", "1.5", "-1", "").
 */
export function ToInteger(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value,
  );
}
