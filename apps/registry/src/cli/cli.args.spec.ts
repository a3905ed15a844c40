import { DEFAULT_REGISTRY_URL, parseCliArgs } from './cli.args';
import { UsageError } from './errors/usage.error';

describe('parseCliArgs', () => {
  it('reads the command, its operands and the options', () => {
    const args = parseCliArgs(['instances', 'calc', '--tag', 'v2', '--json', '--timeout', '0.5'], {});
    expect(args).toEqual({
      positionals: ['instances', 'calc'],
      help: false,
      registry: DEFAULT_REGISTRY_URL,
      tag: 'v2',
      json: true,
      timeoutMs: 500,
      given: ['tag', 'json', 'timeout'],
    });
  });

  it('takes the registry from --registry, else the first of REGISTRY_URL, without trailing slashes', () => {
    expect(parseCliArgs(['services', '--registry', 'http://10.0.0.5:3100//'], { REGISTRY_URL: 'http://a:1' }).registry).toBe('http://10.0.0.5:3100');
    expect(parseCliArgs(['services'], { REGISTRY_URL: ' http://a:1/ ,http://b:2' }).registry).toBe('http://a:1');
    expect(parseCliArgs(['services'], {}).registry).toBe('http://127.0.0.1:3100');
  });

  it('takes a read token from --token, else REGISTRY_READ_TOKEN, else REGISTRY_TOKEN', () => {
    expect(parseCliArgs(['services', '--token', 't1'], { REGISTRY_READ_TOKEN: 'r', REGISTRY_TOKEN: 'a' }).token).toBe('t1');
    expect(parseCliArgs(['services'], { REGISTRY_READ_TOKEN: 'r', REGISTRY_TOKEN: 'a' }).token).toBe('r');
    expect(parseCliArgs(['services'], { REGISTRY_TOKEN: 'a' }).token).toBe('a');
    expect(parseCliArgs(['services'], {}).token).toBeUndefined();
  });

  it('defaults the timeout to 5 s and lists no option as given', () => {
    expect(parseCliArgs(['watch'], {})).toMatchObject({ timeoutMs: 5000, json: false, given: [] });
    expect(parseCliArgs(['-h'], {}).help).toBe(true);
  });

  it.each([
    [['services', '--registry', 'ftp://x'], '--registry must be an http(s) URL, got "ftp://x"'],
    [['services', '--timeout', '0'], '--timeout must be a positive number of seconds, got "0"'],
    [['services', '--timeout', 'soon'], '--timeout must be a positive number of seconds, got "soon"'],
    [['services', '--tags', 'v2'], "Unknown option '--tags'"],
  ])('rejects %j as a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(UsageError);
    expect(() => parseCliArgs(argv, {})).toThrow(message);
  });
});
