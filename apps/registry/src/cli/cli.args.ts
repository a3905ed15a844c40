import { parseArgs } from 'node:util';
import { UsageError } from './errors/usage.error';

/** Where the read commands go when neither `--registry` nor `REGISTRY_URL` says. */
export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:3100';

const DEFAULT_TIMEOUT_SECONDS = 5;

/** A parsed command line. @internal */
export interface CliArgs {
  /** The command and its operands (`['instances', 'calc']`). */
  positionals: string[];
  help: boolean;
  /** Without a trailing slash. */
  registry: string;
  tag: string | undefined;
  json: boolean;
  timeoutMs: number;
  /** A read token for a registry that guards reads: `--token`, else `REGISTRY_READ_TOKEN`, else `REGISTRY_TOKEN`. */
  token: string | undefined;
  /** The options given explicitly, for commands that take none (`registry`). */
  given: string[];
}

const OPTIONS = {
  registry: { type: 'string' },
  tag: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parses argv (without `node` and the script) with `env` for defaults; throws {@link UsageError} naming
 * the unknown option or the bad value.
 * @example parseCliArgs(['instances', 'calc', '--tag', 'v2'], process.env)
 * @internal
 */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliArgs {
  const { values, positionals } = parseOrThrow(argv);
  // REGISTRY_URL may list replicas (the apps fail over in order); the CLI asks the first.
  const registry = (values.registry ?? env.REGISTRY_URL?.split(',')[0] ?? DEFAULT_REGISTRY_URL).trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(registry)) throw new UsageError(`--registry must be an http(s) URL, got "${registry}"`);
  const timeoutSeconds = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}"`);
  return {
    positionals,
    help: values.help ?? false,
    registry,
    tag: values.tag,
    json: values.json ?? false,
    timeoutMs: timeoutSeconds * 1000,
    token: values.token ?? (env.REGISTRY_READ_TOKEN || env.REGISTRY_TOKEN || undefined),
    given: Object.keys(values).filter((name) => name !== 'help'),
  };
}

function parseOrThrow(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // node:util's messages name the option: `Unknown option '--tags'`.
    throw new UsageError((error as Error).message);
  }
}
