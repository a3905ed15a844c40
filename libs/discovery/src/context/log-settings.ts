import { DiscoveryConfigError } from '../config/discovery-config.error';

/** Levels `LOG_LEVEL` accepts, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object per line (containers, tests, log shippers); `pretty`: for people. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How an app logs, from `LOG_LEVEL` and `LOG_FORMAT`. */
export interface LogSettings {
  level: LogLevelName;
  format: LogFormat;
}

/**
 * Reads `LOG_LEVEL` (default `info`) and `LOG_FORMAT` (default `pretty` when stdout is a terminal,
 * else `json`). An unknown value throws {@link DiscoveryConfigError} naming the variable.
 *
 * @example logSettings({ LOG_LEVEL: 'debug' }, false) // → { level: 'debug', format: 'json' }
 */
export function logSettings(env: NodeJS.ProcessEnv = process.env, stdoutIsTTY = process.stdout.isTTY === true): LogSettings {
  return {
    level: oneOf('LOG_LEVEL', env.LOG_LEVEL, LOG_LEVELS, 'info'),
    format: oneOf('LOG_FORMAT', env.LOG_FORMAT, LOG_FORMATS, stdoutIsTTY ? 'pretty' : 'json'),
  };
}

function oneOf<T extends string>(variable: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new DiscoveryConfigError(variable, `${variable} must be one of ${allowed.join(', ')}; got ${JSON.stringify(raw)}`);
}
