import { CliArgs, parseCliArgs } from './cli.args';
import { CLI_HELP } from './cli.help';
import { CliOutput } from './cli.output';
import { instancesCommand } from './commands/instances.command';
import { registryCommand } from './commands/registry.command';
import { servicesCommand } from './commands/services.command';
import { watchCommand } from './commands/watch.command';
import { RegistryRequestError } from './errors/registry-request.error';
import { UsageError } from './errors/usage.error';
import { RegistryReader } from './registry.reader';

/** 0 ok, 1 the registry is unreachable or answered an error, 2 bad usage. @internal */
export type CliExitCode = 0 | 1 | 2;

/**
 * Runs one command line and resolves with its exit code; expected failures are printed on `output.err`,
 * anything else is rethrown (a bug, with its stack). `registry` resolves once the server listens, and the
 * process then lives as long as the server.
 * @example process.exitCode = await runCli(process.argv.slice(2), process.env, processOutput);
 * @internal
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: CliOutput,
): Promise<CliExitCode> {
  try {
    await dispatch(parseCliArgs(argv, env), output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`nest-discovery: ${error.message}\n\n${CLI_HELP}`);
      return 2;
    }
    if (error instanceof RegistryRequestError) {
      output.err(`nest-discovery: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function dispatch(args: CliArgs, output: CliOutput): Promise<void> {
  const [command, ...rest] = args.positionals;
  if (args.help || command === 'help') return output.out(CLI_HELP);
  const reader = new RegistryReader(args.registry, args.timeoutMs, undefined, args.token);
  if (command === 'services' && rest.length === 0) return servicesCommand(reader, args, output);
  if (command === 'instances' && rest.length === 1) return instancesCommand(reader, rest[0], args, output);
  if (command === 'watch' && rest.length === 0) return watchCommand(reader, args, output, stopOnSignal());
  if (command === 'registry' && rest.length === 0) {
    if (args.given.length > 0) {
      throw new UsageError(`"registry" takes no options (--${args.given.join(', --')}): set REGISTRY_* variables instead`);
    }
    return registryCommand();
  }
  if (command === undefined) throw new UsageError('a command is required');
  if (command === 'instances') throw new UsageError('usage: instances <name>');
  throw new UsageError(`unknown command "${[command, ...rest].join(' ')}"`);
}

/** Ctrl-C (or SIGTERM) ends a watch at once, successfully: stopping it is how it is meant to end. */
function stopOnSignal(): () => boolean {
  let stopped = false;
  const onSignal = (): void => {
    stopped = true;
    process.exit(0);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => stopped;
}
