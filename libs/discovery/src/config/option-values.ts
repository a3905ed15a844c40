import { readFileSync } from 'node:fs';
import { INVALID_OPTION } from '../discovery.messages';
import { DiscoveryConfigError } from './discovery-config.error';

/** Throws the {@link DiscoveryConfigError} that names the option (and its variable). @internal */
export function fail(option: string, expected: string, got: unknown): never {
  throw new DiscoveryConfigError(option, INVALID_OPTION(option, expected, got));
}

/** A variable's trimmed value; unset and blank are the same. @internal */
export function envValue(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const raw = env[variable];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/**
 * A secret from `variable`, else from the file `<variable>_FILE` names (Docker's secrets convention; how
 * docker compose hands the registry's generated token to every service). @internal
 */
export function envSecret(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const file = envValue(env, `${variable}_FILE`);
  return envValue(env, variable) ?? (file === undefined ? undefined : readFileSync(file, 'utf8').trim() || undefined);
}

/** A number from the option, else from the environment variable (named in the error), else the fallback. @internal */
export function numberOf(
  option: string,
  value: number | undefined,
  env: NodeJS.ProcessEnv,
  variable: string | undefined,
  fallback: number,
): number {
  if (value !== undefined) return value;
  const raw = variable ? envValue(env, variable) : undefined;
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed)) fail(`${option} (env ${variable})`, 'a number', raw);
  return parsed;
}

/** @internal */
export function integerIn(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(option, `an integer between ${min} and ${max}`, value);
  }
  return value;
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/** A boolean variable: true/1/yes/on or false/0/no/off (any case); undefined when unset. @internal */
export function envBoolean(env: NodeJS.ProcessEnv, variable: string): boolean | undefined {
  const raw = envValue(env, variable);
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase();
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  return fail(variable, 'true or false', raw);
}
