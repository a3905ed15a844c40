import { ConsulBadRequestError } from '../errors/consul-bad-request.error';

/** A query of the Consul API as Fastify parses it: a repeated parameter is an array. */
export type ConsulQueryParams = Readonly<Record<string, string | string[] | undefined>>;

/**
 * A flag parameter as Consul reads one: present without a value (`?passing`) or true-ish is on.
 * @example flag({ passing: '' }, 'passing'); // true
 */
export function flag(query: ConsulQueryParams, name: string): boolean {
  const value = single(query, name);
  if (value === undefined) return false;
  if (['', 'true', '1'].includes(value.toLowerCase())) return true;
  if (['false', '0'].includes(value.toLowerCase())) return false;
  throw new ConsulBadRequestError(`Invalid value for ${name}: ${JSON.stringify(value)}`);
}

/** Every value of a parameter that may repeat (`?tag=a&tag=b`: instances carrying both). */
export function all(query: ConsulQueryParams, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function single(query: ConsulQueryParams, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new ConsulBadRequestError(`${name} must be given once`);
  return value;
}
