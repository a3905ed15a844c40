import { resolve } from 'node:path';
import { createTestCa } from '../../../test/fixtures/test-ca';
import { DEFAULT_REGISTRY_CONFIG, loadRegistryConfig, openWritesWarning, resolveRegistryConfig } from './config';
import { InvalidConfigError } from './errors/invalid-config.error';

describe('loadRegistryConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadRegistryConfig({})).toEqual({ ...DEFAULT_REGISTRY_CONFIG, dataDir: resolve('./data') });
  });

  it('reads every variable', () => {
    expect(
      loadRegistryConfig({
        REGISTRY_PORT: '0',
        REGISTRY_HOST: '127.0.0.1',
        REGISTRY_DATA_DIR: '/tmp/registry',
        REGISTRY_TOKEN: 's3cret',
        REGISTRY_SWEEP_INTERVAL_MS: '100',
        REGISTRY_SNAPSHOT_DELAY_MS: '0',
        REGISTRY_STORE: 'redis://127.0.0.1:6380',
        REGISTRY_STORE_PREFIX: 'team-a',
        REGISTRY_CHECK_CONCURRENCY: '8',
        REGISTRY_SELF_PRESERVATION_THRESHOLD: '0.25',
        REGISTRY_SELF_PRESERVATION_MIN_INSTANCES: '4',
        REGISTRY_SELF_PRESERVATION_MAX_SECONDS: '60',
        REGISTRY_SESSION_PROBE_TIMEOUT_MS: '250',
        REGISTRY_DNS_PORT: '8600',
        REGISTRY_DNS_DOMAIN: 'Discovery.Internal',
        REGISTRY_CONSUL_DATACENTER: 'eu-1',
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/tmp/registry',
      token: 's3cret',
      tokens: { read: [], write: [], admin: [] },
      allowOpen: false,
      sweepIntervalMs: 100,
      snapshotDelayMs: 0,
      store: { kind: 'redis', url: 'redis://127.0.0.1:6380' },
      storePrefix: 'team-a',
      checkConcurrency: 8,
      selfPreservationThreshold: 0.25,
      selfPreservationMinInstances: 4,
      selfPreservationMaxSeconds: 60,
      sessionProbeTimeoutMs: 250,
      dnsPort: 8600,
      dnsDomain: 'discovery.internal',
      consulDatacenter: 'eu-1',
      bounds: DEFAULT_REGISTRY_CONFIG.bounds,
    });
  });

  it.each([
    ['memory', { kind: 'memory' }],
    ['redis://cache.internal:6379', { kind: 'redis', url: 'redis://cache.internal:6379' }],
    ['rediss://:pw@cache:6380/2', { kind: 'redis', url: 'rediss://:pw@cache:6380/2' }],
    ['etcd://10.0.0.1:2379', { kind: 'etcd', url: 'etcd://10.0.0.1:2379', hosts: ['http://10.0.0.1:2379'] }],
    ['etcd://a:2379,b:2379', { kind: 'etcd', url: 'etcd://a:2379,b:2379', hosts: ['http://a:2379', 'http://b:2379'] }],
  ])('reads REGISTRY_STORE=%s', (value, store) => {
    expect(loadRegistryConfig({ REGISTRY_STORE: value }).store).toEqual(store);
  });

  it.each([
    ['REGISTRY_PORT', 'abc'],
    ['REGISTRY_PORT', '70000'],
    ['REGISTRY_HOST', ' '],
    ['REGISTRY_DATA_DIR', ''],
    ['REGISTRY_TOKEN', ''],
    ['REGISTRY_SWEEP_INTERVAL_MS', '1'],
    ['REGISTRY_SNAPSHOT_DELAY_MS', '-5'],
    ['REGISTRY_STORE', 'postgres://db:5432'],
    ['REGISTRY_STORE', 'redis://'],
    ['REGISTRY_STORE', 'etcd://no-port'],
    ['REGISTRY_STORE', 'mem'],
    ['REGISTRY_STORE_PREFIX', 'has space'],
    ['REGISTRY_STORE_PREFIX', 'a/b'],
    ['REGISTRY_CHECK_CONCURRENCY', '0'],
    ['REGISTRY_CHECK_CONCURRENCY', 'many'],
    ['REGISTRY_SELF_PRESERVATION_THRESHOLD', '1'],
    ['REGISTRY_SELF_PRESERVATION_THRESHOLD', '15%'],
    ['REGISTRY_SELF_PRESERVATION_THRESHOLD', '-0.1'],
    ['REGISTRY_SELF_PRESERVATION_MIN_INSTANCES', '0'],
    ['REGISTRY_SELF_PRESERVATION_MAX_SECONDS', '0'],
    ['REGISTRY_DNS_PORT', '65536'],
    ['REGISTRY_DNS_DOMAIN', '.consul'],
    ['REGISTRY_DNS_DOMAIN', 'bad_domain'],
    ['REGISTRY_CONSUL_DATACENTER', 'dc.1'],
  ])('fails fast naming %s=%j', (variable, value) => {
    expect(() => loadRegistryConfig({ [variable]: value })).toThrow(new RegExp(`^${variable} `));
  });

  it('reads REGISTRY_SELF_PRESERVATION_THRESHOLD=0 as disabled', () => {
    expect(loadRegistryConfig({ REGISTRY_SELF_PRESERVATION_THRESHOLD: '0' }).selfPreservationThreshold).toBe(0);
  });

  it('leaves DNS off unless REGISTRY_DNS_PORT is set', () => {
    expect(loadRegistryConfig({}).dnsPort).toBeUndefined();
    expect(loadRegistryConfig({ REGISTRY_DNS_PORT: '0' }).dnsPort).toBe(0);
  });

  it('merges partial overrides over the defaults', () => {
    expect(resolveRegistryConfig({ port: 0, token: undefined })).toMatchObject({ port: 0, host: '127.0.0.1' });
  });

  it('listens on loopback without a write token, on every address with one or with REGISTRY_ALLOW_OPEN', () => {
    expect(loadRegistryConfig({}).host).toBe('127.0.0.1');
    expect(loadRegistryConfig({ REGISTRY_READ_TOKENS: 'r' }).host).toBe('127.0.0.1');
    expect(loadRegistryConfig({ REGISTRY_TOKEN: 't' }).host).toBe('0.0.0.0');
    expect(loadRegistryConfig({ REGISTRY_WRITE_TOKENS: 'w' }).host).toBe('0.0.0.0');
    expect(loadRegistryConfig({ REGISTRY_ALLOW_OPEN: 'true' }).host).toBe('0.0.0.0');
    expect(loadRegistryConfig({ REGISTRY_HOST: '127.0.0.9' }).host).toBe('127.0.0.9');
  });

  it('refuses a non-loopback REGISTRY_HOST without a write token or REGISTRY_ALLOW_OPEN, naming it', () => {
    expect(() => loadRegistryConfig({ REGISTRY_HOST: '0.0.0.0' })).toThrow(/^REGISTRY_HOST is 0\.0\.0\.0, not loopback/);
    const open = loadRegistryConfig({ REGISTRY_HOST: '0.0.0.0', REGISTRY_ALLOW_OPEN: 'true' });
    expect(openWritesWarning(open)).toMatch(/^REGISTRY_ALLOW_OPEN=true and no write token: anyone who reaches 0\.0\.0\.0 can register/);
    expect(openWritesWarning(loadRegistryConfig({}))).toBeUndefined();
    expect(openWritesWarning(loadRegistryConfig({ REGISTRY_TOKEN: 't' }))).toBeUndefined();
    expect(loadRegistryConfig({ REGISTRY_HOST: '10.0.0.1', REGISTRY_WRITE_TOKENS: 'w' }).host).toBe('10.0.0.1');
  });

  it('reads the bounds', () => {
    expect(
      loadRegistryConfig({
        REGISTRY_MAX_BODY_BYTES: '4096',
        REGISTRY_MAX_SERVICES: '3',
        REGISTRY_MAX_INSTANCES_PER_SERVICE: '2',
        REGISTRY_MAX_NEW_REGISTRATIONS_PER_MINUTE: '10',
        REGISTRY_MAX_WATCHES_PER_CLIENT: '1',
        REGISTRY_MAX_TAGS: '4',
        REGISTRY_MAX_TAG_LENGTH: '16',
        REGISTRY_MAX_METADATA_ENTRIES: '0',
        REGISTRY_MAX_METADATA_VALUE_LENGTH: '256',
      }).bounds,
    ).toEqual({
      maxBodyBytes: 4096,
      maxServices: 3,
      maxInstancesPerService: 2,
      maxNewRegistrationsPerMinute: 10,
      maxWatchesPerClient: 1,
      maxTags: 4,
      maxTagLength: 16,
      maxMetadataEntries: 0,
      maxMetadataValueLength: 256,
    });
    expect(() => loadRegistryConfig({ REGISTRY_MAX_SERVICES: '0' })).toThrow(/^REGISTRY_MAX_SERVICES /);
    // Tighter than the contract only: every client validates against its ceilings.
    expect(() => loadRegistryConfig({ REGISTRY_MAX_TAGS: '33' })).toThrow(/^REGISTRY_MAX_TAGS must be between 0 and 32/);
    expect(() => loadRegistryConfig({ REGISTRY_MAX_METADATA_VALUE_LENGTH: '2048' })).toThrow(/^REGISTRY_MAX_METADATA_VALUE_LENGTH /);
  });

  it('reads scoped token lists', () => {
    expect(loadRegistryConfig({ REGISTRY_READ_TOKENS: 'a, b', REGISTRY_ADMIN_TOKENS: 'c' }).tokens).toEqual({ read: ['a', 'b'], write: [], admin: ['c'] });
    expect(() => loadRegistryConfig({ REGISTRY_WRITE_TOKENS: 'a,,b' })).toThrow(/^REGISTRY_WRITE_TOKENS /);
    expect(() => loadRegistryConfig({ REGISTRY_ALLOW_OPEN: 'yes' })).toThrow(/^REGISTRY_ALLOW_OPEN /);
  });

  it('serves plain HTTP unless REGISTRY_TLS_* are set, and reads them once at start', () => {
    expect(loadRegistryConfig({}).tls).toBeUndefined();
    const ca = createTestCa();
    const registry = ca.issue('registry');
    const tls = loadRegistryConfig({
      REGISTRY_TLS_CERT: registry.cert,
      REGISTRY_TLS_KEY: registry.key,
      REGISTRY_TLS_CA: ca.cert,
      REGISTRY_TLS_CLIENT_AUTH: 'require',
    }).tls;
    expect(tls).toEqual({ identity: { cert: expect.any(Buffer), key: expect.any(Buffer) }, ca: expect.any(Buffer), requireClientCert: true });
  });

  it('fails fast naming the TLS variable whose file cannot be read, as an InvalidConfigError', () => {
    const thrown = (() => {
      try {
        return loadRegistryConfig({ REGISTRY_TLS_CA: '/nonexistent/ca.pem' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(InvalidConfigError);
    expect((thrown as InvalidConfigError).variable).toBe('REGISTRY_TLS_CA');
    expect((thrown as Error).message).toBe('REGISTRY_TLS_CA names a file that cannot be read (/nonexistent/ca.pem): ENOENT');
  });
});
