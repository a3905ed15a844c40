import { DiscoveryConfigError } from './discovery-config.error';
import { resolveHealthCheck } from './resolve-health-check';
import { resolveDiscoveryOptions } from './resolve-options';

const NO_ENV: NodeJS.ProcessEnv = {};

describe('resolveHealthCheck', () => {
  it('defaults to an HTTP GET of /health every 10 s, marking the path as a default', () => {
    expect(resolveHealthCheck(undefined, NO_ENV)).toEqual({
      type: 'http',
      path: '/health',
      intervalSeconds: 10,
      pathIsDefault: true,
    });
  });

  it('reads DISCOVERY_CHECK_PATH and DISCOVERY_CHECK_INTERVAL_SECONDS', () => {
    expect(
      resolveHealthCheck(undefined, { DISCOVERY_CHECK_PATH: '/api/health', DISCOVERY_CHECK_INTERVAL_SECONDS: '3' }),
    ).toEqual({ type: 'http', path: '/api/health', intervalSeconds: 3, pathIsDefault: false });
  });

  it('prefers the option over the environment, field by field', () => {
    const env = { DISCOVERY_CHECK_PATH: '/from-env', DISCOVERY_CHECK_INTERVAL_SECONDS: '3' };
    expect(resolveHealthCheck({ path: '/from-option' }, env)).toEqual({
      type: 'http',
      path: '/from-option',
      intervalSeconds: 3,
      pathIsDefault: false,
    });
    expect(resolveHealthCheck({ intervalSeconds: 7 }, env)).toMatchObject({ path: '/from-env', intervalSeconds: 7 });
  });

  it('is off with check: false or DISCOVERY_CHECK=false, and an explicit option wins over the variable', () => {
    expect(resolveHealthCheck(false, NO_ENV)).toBe(false);
    for (const off of ['false', '0', 'no', 'OFF']) expect(resolveHealthCheck(undefined, { DISCOVERY_CHECK: off })).toBe(false);
    expect(resolveHealthCheck(undefined, { DISCOVERY_CHECK: 'true' })).toMatchObject({ type: 'http' });
    expect(resolveHealthCheck({ type: 'tcp' }, { DISCOVERY_CHECK: 'false' })).toMatchObject({ type: 'tcp' });
    expect(resolveDiscoveryOptions({ name: 'a', check: false }, NO_ENV).check).toBe(false);
  });

  it('keeps only the fields of its type, and passes the thresholds that are set', () => {
    expect(resolveHealthCheck({ type: 'tcp', path: '/ignored' }, { DISCOVERY_CHECK_PATH: '/x' })).toEqual({
      type: 'tcp',
      intervalSeconds: 10,
      pathIsDefault: false,
    });
    expect(resolveHealthCheck({ type: 'grpc' }, NO_ENV)).toEqual({
      type: 'grpc',
      service: '',
      intervalSeconds: 10,
      pathIsDefault: false,
    });
    expect(
      resolveHealthCheck(
        { timeoutSeconds: 1, failuresBeforeCritical: 2, successesBeforePassing: 1, deregisterCriticalAfterSeconds: 30 },
        NO_ENV,
      ),
    ).toMatchObject({ timeoutSeconds: 1, failuresBeforeCritical: 2, successesBeforePassing: 1, deregisterCriticalAfterSeconds: 30 });
  });

  const invalid: Array<[string, Parameters<typeof resolveHealthCheck>[0], NodeJS.ProcessEnv, string]> = [
    ['unknown type', { type: 'icmp' as never }, NO_ENV, 'check.type'],
    ['a path with a host', { path: '//evil.example/x' }, NO_ENV, 'check.path'],
    ['a relative path', undefined, { DISCOVERY_CHECK_PATH: 'health' }, 'DISCOVERY_CHECK_PATH'],
    ['an interval of 0', { intervalSeconds: 0 }, NO_ENV, 'check.intervalSeconds'],
    ['a non-numeric interval', undefined, { DISCOVERY_CHECK_INTERVAL_SECONDS: 'often' }, 'DISCOVERY_CHECK_INTERVAL_SECONDS'],
    ['a fractional threshold', { failuresBeforeCritical: 1.5 }, NO_ENV, 'check.failuresBeforeCritical'],
    ['a timeout too long', { timeoutSeconds: 301 }, NO_ENV, 'check.timeoutSeconds'],
    ['a bad DISCOVERY_CHECK', undefined, { DISCOVERY_CHECK: 'sometimes' }, 'DISCOVERY_CHECK'],
    ['a check that is not an object', 'yes' as never, NO_ENV, 'check'],
  ];
  it.each(invalid)('fails fast on %s, naming the option', (_case, option, env, name) => {
    let thrown: unknown;
    try {
      resolveHealthCheck(option, env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DiscoveryConfigError);
    expect((thrown as DiscoveryConfigError).message).toContain(name);
  });
});
