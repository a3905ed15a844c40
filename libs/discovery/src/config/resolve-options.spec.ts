import { DiscoveryConfigError } from './discovery-config.error';
import { resolveDiscoveryOptions } from './resolve-options';
import { createTestCa } from '../../../../test/fixtures/test-ca';
import { discoveryHttpsOptions } from './tls';

const NO_ENV: NodeJS.ProcessEnv = {};

describe('resolveDiscoveryOptions', () => {
  it('fills every default', () => {
    const config = resolveDiscoveryOptions({ name: 'calc', host: '10.0.0.5' }, NO_ENV);
    expect(config).toEqual({
      name: 'calc',
      register: true,
      host: '10.0.0.5',
      port: undefined,
      protocol: 'http',
      instanceId: undefined,
      tags: [],
      metadata: {},
      weight: 1,
      ttlSeconds: 30,
      heartbeatIntervalMs: 10_000,
      urls: ['http://127.0.0.1:3100'],
      token: undefined,
      readToken: undefined,
      zone: undefined,
      loadBalancing: 'round-robin',
      timeoutMs: 5000,
      retries: 2,
      retryBackoffMs: 25,
      outlierEjection: { consecutiveFailures: 5, cooldownMs: 10_000 },
      watch: true,
      transport: 'undici',
      connectionsPerInstance: 32,
      grpc: { deadlineMs: 5000, interceptors: [], channelOptions: {}, credentials: undefined },
      http: { interceptors: [] },
      tcp: { connectionsPerInstance: 2 },
      retryBudget: { ratio: 0.2, minPerSecond: 3, windowSeconds: 10 },
      metrics: true,
      check: { type: 'http', path: '/health', intervalSeconds: 10, pathIsDefault: true },
      drainTimeoutMs: 10_000,
      drainGraceMs: 300,
    });
  });

  it('takes the retry budget from options or DISCOVERY_RETRY_BUDGET_RATIO / _MIN_PER_SECOND, and HTTP interceptors', () => {
    expect(
      resolveDiscoveryOptions({ register: false }, { DISCOVERY_RETRY_BUDGET_RATIO: '0.5', DISCOVERY_RETRY_BUDGET_MIN_PER_SECOND: '1' }).retryBudget,
    ).toEqual({ ratio: 0.5, minPerSecond: 1, windowSeconds: 10 });
    expect(resolveDiscoveryOptions({ register: false, retryBudget: { ratio: 0.1, windowSeconds: 30 } }, NO_ENV).retryBudget).toEqual({
      ratio: 0.1,
      minPerSecond: 3,
      windowSeconds: 30,
    });
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_RETRY_BUDGET_RATIO: 'lots' })).toThrow(/DISCOVERY_RETRY_BUDGET_RATIO/);
    const interceptor = { intercept: (_ctx: unknown, next: () => Promise<never>) => next() };
    expect(resolveDiscoveryOptions({ register: false, http: { interceptors: [interceptor] } }, NO_ENV).http.interceptors).toEqual([interceptor]);
    expect(() => resolveDiscoveryOptions({ register: false, http: { interceptors: [{}] as never } }, NO_ENV)).toThrow(/http\.interceptors/);
  });

  it('bounds the graceful drain from options or DISCOVERY_DRAIN_TIMEOUT_MS / DISCOVERY_DRAIN_GRACE_MS', () => {
    expect(
      resolveDiscoveryOptions({ register: false }, { DISCOVERY_DRAIN_TIMEOUT_MS: '2500', DISCOVERY_DRAIN_GRACE_MS: '50' }),
    ).toMatchObject({ drainTimeoutMs: 2500, drainGraceMs: 50 });
    expect(
      resolveDiscoveryOptions({ register: false, drainTimeoutMs: 0, drainGraceMs: 0 }, { DISCOVERY_DRAIN_TIMEOUT_MS: '2500' }),
    ).toMatchObject({ drainTimeoutMs: 0, drainGraceMs: 0 });
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_DRAIN_TIMEOUT_MS: 'soon' })).toThrow(
      /DISCOVERY_DRAIN_TIMEOUT_MS/,
    );
    expect(() => resolveDiscoveryOptions({ register: false, drainTimeoutMs: -1 }, NO_ENV)).toThrow(/drainTimeoutMs/);
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_DRAIN_GRACE_MS: '-5' })).toThrow(
      /DISCOVERY_DRAIN_GRACE_MS/,
    );
  });

  it('turns metrics off from the option or DISCOVERY_METRICS, naming a bad value', () => {
    expect(resolveDiscoveryOptions({ register: false }, { DISCOVERY_METRICS: 'false' }).metrics).toBe(false);
    expect(resolveDiscoveryOptions({ register: false }, { DISCOVERY_METRICS: '0' }).metrics).toBe(false);
    expect(resolveDiscoveryOptions({ register: false }, { DISCOVERY_METRICS: 'TRUE' }).metrics).toBe(true);
    expect(resolveDiscoveryOptions({ register: false, metrics: true }, { DISCOVERY_METRICS: 'false' }).metrics).toBe(true);
    expect(resolveDiscoveryOptions({ register: false, metrics: false }, NO_ENV).metrics).toBe(false);
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_METRICS: 'maybe' })).toThrow(/DISCOVERY_METRICS/);
    expect(() => resolveDiscoveryOptions({ register: false, metrics: 'no' as unknown as boolean }, NO_ENV)).toThrow(/"metrics"/);
  });

  it('takes the gRPC deadline from options or DISCOVERY_GRPC_DEADLINE_MS, and checks the interceptors', () => {
    expect(resolveDiscoveryOptions({ register: false }, { DISCOVERY_GRPC_DEADLINE_MS: '250' }).grpc.deadlineMs).toBe(250);
    expect(
      resolveDiscoveryOptions({ register: false, grpc: { deadlineMs: 40 } }, { DISCOVERY_GRPC_DEADLINE_MS: '250' }).grpc.deadlineMs,
    ).toBe(40);
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_GRPC_DEADLINE_MS: '0' })).toThrow(
      /DISCOVERY_GRPC_DEADLINE_MS/,
    );
    const interceptor = { intercept: jest.fn() };
    expect(resolveDiscoveryOptions({ register: false, grpc: { interceptors: [interceptor] } }, NO_ENV).grpc.interceptors).toEqual([
      interceptor,
    ]);
    expect(() =>
      resolveDiscoveryOptions({ register: false, grpc: { interceptors: [{} as typeof interceptor] } }, NO_ENV),
    ).toThrow(/grpc.interceptors/);
  });

  it('chooses the transport and its pool size from options or the environment', () => {
    expect(resolveDiscoveryOptions({ register: false }, NO_ENV)).toMatchObject({ transport: 'undici', connectionsPerInstance: 32 });
    expect(
      resolveDiscoveryOptions({ register: false }, { DISCOVERY_TRANSPORT: 'axios', DISCOVERY_HTTP_CONNECTIONS: '8' }),
    ).toMatchObject({ transport: 'axios', connectionsPerInstance: 8 });
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_TRANSPORT: 'curl' })).toThrow(/DISCOVERY_TRANSPORT/);
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_HTTP_CONNECTIONS: '0' })).toThrow(
      /DISCOVERY_HTTP_CONNECTIONS/,
    );
  });

  it('reads the fast lane\'s connections per instance (DISCOVERY_TCP_CONNECTIONS, default 2)', () => {
    expect(resolveDiscoveryOptions({ register: false }, NO_ENV).tcp).toEqual({ connectionsPerInstance: 2 });
    expect(resolveDiscoveryOptions({ register: false }, { DISCOVERY_TCP_CONNECTIONS: '4' }).tcp).toEqual({ connectionsPerInstance: 4 });
    expect(resolveDiscoveryOptions({ register: false, tcp: { connectionsPerInstance: 1 } }, NO_ENV).tcp.connectionsPerInstance).toBe(1);
    expect(() => resolveDiscoveryOptions({ register: false }, { DISCOVERY_TCP_CONNECTIONS: '0' })).toThrow(/DISCOVERY_TCP_CONNECTIONS/);
  });

  it('derives the heartbeat from the TTL', () => {
    expect(resolveDiscoveryOptions({ name: 'a', ttlSeconds: 9 }, NO_ENV).heartbeatIntervalMs).toBe(3000);
  });

  it('reads the environment when options are unset', () => {
    const config = resolveDiscoveryOptions(
      { name: 'calc' },
      {
        REGISTRY_URL: 'http://r1:3100/, http://r2:3100',
        REGISTRY_TOKEN: 'secret',
        ADVERTISE_HOST: '192.168.1.9',
        DISCOVERY_ZONE: 'eu-1',
        DISCOVERY_TTL_SECONDS: '6',
        DISCOVERY_HEARTBEAT_MS: '200',
        DISCOVERY_INSTANCE_ID: 'calc-7',
      },
    );
    expect(config).toMatchObject({
      urls: ['http://r1:3100', 'http://r2:3100'],
      token: 'secret',
      host: '192.168.1.9',
      zone: 'eu-1',
      ttlSeconds: 6,
      heartbeatIntervalMs: 200,
      instanceId: 'calc-7',
    });
  });

  it('prefers options over the environment', () => {
    const config = resolveDiscoveryOptions(
      { name: 'calc', urls: ['http://opt:1'], token: 't', host: 'h', ttlSeconds: 10, instanceId: 'x' },
      { REGISTRY_URL: 'http://env:2', REGISTRY_TOKEN: 'e', ADVERTISE_HOST: 'eh', DISCOVERY_TTL_SECONDS: '5', DISCOVERY_INSTANCE_ID: 'y' },
    );
    expect(config).toMatchObject({ urls: ['http://opt:1'], token: 't', host: 'h', ttlSeconds: 10, instanceId: 'x' });
  });

  it('takes the zone from metadata when nothing else sets it', () => {
    expect(resolveDiscoveryOptions({ name: 'a', metadata: { zone: 'z9' } }, NO_ENV).zone).toBe('z9');
  });

  it('falls back to a non-empty advertise host', () => {
    expect(resolveDiscoveryOptions({ register: false }, NO_ENV).host).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('needs no name for a pure client', () => {
    expect(resolveDiscoveryOptions({ register: false }, NO_ENV).name).toBeUndefined();
  });

  const invalid: Array<[string, Parameters<typeof resolveDiscoveryOptions>[0], NodeJS.ProcessEnv, string]> = [
    ['missing name', {}, NO_ENV, 'name'],
    ['bad name', { name: '-bad name' }, NO_ENV, 'name'],
    ['port out of range', { name: 'a', port: 70000 }, NO_ENV, 'port'],
    ['weight out of range', { name: 'a', weight: 0 }, NO_ENV, 'weight'],
    ['ttl out of range', { name: 'a', ttlSeconds: 4000 }, NO_ENV, 'ttlSeconds'],
    ['heartbeat not below the TTL', { name: 'a', ttlSeconds: 1, heartbeatIntervalMs: 1000 }, NO_ENV, 'heartbeatIntervalMs'],
    ['non-numeric env', { name: 'a' }, { DISCOVERY_TTL_SECONDS: 'soon' }, 'DISCOVERY_TTL_SECONDS'],
    ['bad url', { name: 'a', urls: ['ftp://x'] }, NO_ENV, 'urls'],
    ['empty urls', { name: 'a', urls: [] }, NO_ENV, 'urls'],
    ['unknown strategy', { name: 'a', loadBalancing: 'fastest' as never }, NO_ENV, 'loadBalancing'],
    ['too many tags', { name: 'a', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, NO_ENV, 'tags'],
    ['a tag over the contract\'s length', { name: 'a', tags: ['t'.repeat(129)] }, NO_ENV, 'tags'],
    ['an empty tag', { name: 'a', tags: [''] }, NO_ENV, 'tags'],
    ['too many metadata entries', { name: 'a', metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, NO_ENV, 'metadata'],
    ['a metadata value over the contract\'s length', { name: 'a', metadata: { k: 'v'.repeat(1025) } }, NO_ENV, 'metadata'],
    ['negative retries', { name: 'a', retries: -1 }, NO_ENV, 'retries'],
    ['bad protocol', { name: 'a', protocol: 'ftp' as never }, NO_ENV, 'protocol'],
  ];
  it.each(invalid)('fails fast on %s, naming the option', (_case, options, env, option) => {
    let thrown: unknown;
    try {
      resolveDiscoveryOptions(options, env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DiscoveryConfigError);
    expect((thrown as DiscoveryConfigError).message).toContain(option);
    expect((thrown as DiscoveryConfigError).code).toBe('DISCOVERY_CONFIG_INVALID');
    expect((thrown as DiscoveryConfigError).retryable).toBe(false);
  });

  it('reads DISCOVERY_TLS_* once: the CA and the app’s certificate for its calls, and its server’s https options', () => {
    expect(resolveDiscoveryOptions({ name: 'calc' }, NO_ENV).tls).toBeUndefined();
    expect(discoveryHttpsOptions(NO_ENV)).toBeUndefined();
    const ca = createTestCa();
    const calc = ca.issue('calc');
    const env = { DISCOVERY_TLS_CERT: calc.cert, DISCOVERY_TLS_KEY: calc.key, DISCOVERY_TLS_CA: ca.cert };
    expect(resolveDiscoveryOptions({ name: 'calc' }, env).tls).toEqual({
      identity: { cert: expect.any(Buffer), key: expect.any(Buffer) },
      ca: expect.any(Buffer),
      requireClientCert: false,
    });
    expect(discoveryHttpsOptions({ ...env, DISCOVERY_TLS_CLIENT_AUTH: 'require' })).toMatchObject({ requestCert: true, rejectUnauthorized: true });
  });

  it('fails fast naming the TLS variable at fault, as a DiscoveryConfigError', () => {
    const attempt = (env: NodeJS.ProcessEnv): unknown => {
      try {
        return resolveDiscoveryOptions({ name: 'calc' }, env);
      } catch (error) {
        return error;
      }
    };
    const missing = attempt({ DISCOVERY_TLS_CA: '/nonexistent/ca.pem' }) as DiscoveryConfigError;
    expect(missing).toBeInstanceOf(DiscoveryConfigError);
    expect(missing.option).toBe('DISCOVERY_TLS_CA');
    expect(missing.message).toBe('DISCOVERY_TLS_CA names a file that cannot be read (/nonexistent/ca.pem): ENOENT');
    expect((attempt({ DISCOVERY_TLS_CERT: '/x.crt' }) as DiscoveryConfigError).option).toBe('DISCOVERY_TLS_KEY');
  });
});
