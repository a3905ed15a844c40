import { runCli } from './cli';
import { CLI_HELP } from './cli.help';
import { CliOutput } from './cli.output';

/** Captures what a run prints. */
function capture(): CliOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('runCli', () => {
  it('prints the help on -h or help, exit 0', async () => {
    for (const argv of [['-h'], ['help'], ['services', '--help']]) {
      const output = capture();
      await expect(runCli(argv, {}, output)).resolves.toBe(0);
      expect(output.stdout).toEqual([CLI_HELP]);
    }
  });

  it.each([
    [[], 'a command is required'],
    [['instances'], 'usage: instances <name>'],
    [['instances', 'a', 'b'], 'usage: instances <name>'],
    [['servcies'], 'unknown command "servcies"'],
    [['registry', 'now'], 'unknown command "registry now"'],
    [['registry', '--registry', 'http://x:1', '--json'], '"registry" takes no options (--registry, --json): set REGISTRY_* variables instead'],
  ])('%j is a usage error: the message and the help on stderr, exit 2', async (argv, message) => {
    const output = capture();
    await expect(runCli(argv, {}, output)).resolves.toBe(2);
    expect(output.stdout).toEqual([]);
    expect(output.stderr).toEqual([`nest-discovery: ${message}\n\n${CLI_HELP}`]);
  });
});
