import { HealthCheckOptions, ResolvedHealthCheck } from '../interfaces/discovery-options.interface';
import { CHECK_PATH_PATTERN, CHECK_TYPES } from '@nest-discovery/registry-api';
import { envBoolean, envValue, fail, integerIn, numberOf } from './option-values';

const DEFAULT_CHECK_PATH = '/health';
const DEFAULT_INTERVAL_SECONDS = 10;

/**
 * The main endpoint's health check from the `check` option, `DISCOVERY_CHECK` (false turns it off),
 * `DISCOVERY_CHECK_PATH` and `DISCOVERY_CHECK_INTERVAL_SECONDS`; `false` when there is none.
 * Validated with the registry's bounds, so a bad value fails at start rather than on every renewal.
 * Fields left unset are not sent: the registry applies its own defaults. @internal
 */
export function resolveHealthCheck(
  option: HealthCheckOptions | false | undefined,
  env: NodeJS.ProcessEnv,
): ResolvedHealthCheck | false {
  if (option === false) return false;
  if (option === undefined && envBoolean(env, 'DISCOVERY_CHECK') === false) return false;
  if (option !== undefined && (typeof option !== 'object' || option === null)) {
    fail('check', 'false or an object like { path: "/health" }', option);
  }
  const given = option ?? {};

  const type = given.type ?? 'http';
  if (!CHECK_TYPES.includes(type)) fail('check.type', CHECK_TYPES.join(' | '), type);
  const intervalSeconds = integerIn(
    'check.intervalSeconds (env DISCOVERY_CHECK_INTERVAL_SECONDS)',
    numberOf('check.intervalSeconds', given.intervalSeconds, env, 'DISCOVERY_CHECK_INTERVAL_SECONDS', DEFAULT_INTERVAL_SECONDS),
    1,
    3600,
  );
  const resolved: ResolvedHealthCheck = { type, intervalSeconds, pathIsDefault: false };

  if (type === 'http') {
    const configured = given.path ?? envValue(env, 'DISCOVERY_CHECK_PATH');
    const path = configured ?? DEFAULT_CHECK_PATH;
    if (typeof path !== 'string' || !CHECK_PATH_PATTERN.test(path) || path.length > 512) {
      fail('check.path (env DISCOVERY_CHECK_PATH)', 'an absolute path on the instance, like /health', path);
    }
    resolved.path = path;
    resolved.pathIsDefault = configured === undefined;
  }
  if (type === 'grpc') {
    const service = given.service ?? '';
    if (typeof service !== 'string' || service.length > 256) fail('check.service', 'a gRPC service name', service);
    resolved.service = service;
  }

  const bounded: Array<[keyof HealthCheckOptions & keyof ResolvedHealthCheck, number, number]> = [
    ['timeoutSeconds', 1, 300],
    ['failuresBeforeCritical', 1, 100],
    ['successesBeforePassing', 1, 100],
    ['deregisterCriticalAfterSeconds', 1, 86_400],
  ];
  for (const [field, min, max] of bounded) {
    const value = given[field];
    if (value !== undefined) Object.assign(resolved, { [field]: integerIn(`check.${field}`, value as number, min, max) });
  }
  return resolved;
}
