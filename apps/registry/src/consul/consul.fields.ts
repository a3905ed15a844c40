import { ConsulBadRequestError } from '../errors/consul-bad-request.error';
import { parseGoDuration } from './go-duration';

/**
 * Typed reads of one object of a Consul request body (`Check`, the service itself): each read answers the
 * value, undefined when the field is absent (or null, as Go's decoder takes it), or throws Consul's 400
 * naming the field. @internal
 */
export class ConsulFields {
  private readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    raw: unknown,
    private readonly what: string,
  ) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConsulBadRequestError(`Request decode failed: ${what} must be a JSON object`);
    }
    this.fields = raw as Record<string, unknown>;
  }

  has(key: string): boolean {
    return this.fields[key] !== undefined && this.fields[key] !== null;
  }

  /** Present and not empty (`""`, `{}`, `[]` count as absent, as Go's zero values do). */
  hasNonEmpty(key: string): boolean {
    const value = this.fields[key];
    if (value === undefined || value === null || value === '') return false;
    return typeof value !== 'object' || Object.keys(value).length > 0;
  }

  isEmpty(): boolean {
    return Object.keys(this.fields).every((key) => !this.hasNonEmpty(key));
  }

  string(key: string): string | undefined {
    return this.read(key, 'a string', (value) => typeof value === 'string');
  }

  boolean(key: string): boolean | undefined {
    return this.read(key, 'a boolean', (value) => typeof value === 'boolean');
  }

  integer(key: string): number | undefined {
    return this.read(key, 'a non-negative integer', (value) => Number.isSafeInteger(value) && (value as number) >= 0);
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    return this.read(key, `one of ${values.join(', ')}`, (value) => values.includes(value as T));
  }

  strings(key: string): string[] | undefined {
    return this.read(key, 'an array of strings', (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'));
  }

  stringMap(key: string): Record<string, string> | undefined {
    return this.read(
      key,
      'an object of strings',
      (value) => typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every((item) => typeof item === 'string'),
    );
  }

  /** A Go duration (`"10s"`) or nanoseconds, in milliseconds. */
  duration(key: string): number | undefined {
    const value = this.fields[key];
    if (value === undefined || value === null || value === '') return undefined;
    const ms = parseGoDuration(value);
    if (ms === undefined) throw new ConsulBadRequestError(`Request decode failed: ${this.what}.${key}: invalid duration ${JSON.stringify(value)}`);
    return ms;
  }

  object(key: string): ConsulFields | undefined {
    return this.has(key) ? new ConsulFields(this.fields[key], `${this.what}.${key}`) : undefined;
  }

  raw(key: string): unknown {
    return this.fields[key];
  }

  private read<T>(key: string, kind: string, test: (value: unknown) => boolean): T | undefined {
    const value = this.fields[key];
    if (value === undefined || value === null) return undefined;
    if (!test(value)) throw new ConsulBadRequestError(`Request decode failed: ${this.what}.${key} must be ${kind}`);
    return value as T;
  }
}
