import { resolve } from 'node:path';
import { DEFAULT_REGISTRY_CONFIG, loadRegistryConfig, resolveRegistryConfig } from './config';

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
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/tmp/registry',
      token: 's3cret',
      sweepIntervalMs: 100,
      snapshotDelayMs: 0,
    });
  });

  it.each([
    ['REGISTRY_PORT', 'abc'],
    ['REGISTRY_PORT', '70000'],
    ['REGISTRY_HOST', ' '],
    ['REGISTRY_DATA_DIR', ''],
    ['REGISTRY_TOKEN', ''],
    ['REGISTRY_SWEEP_INTERVAL_MS', '1'],
    ['REGISTRY_SNAPSHOT_DELAY_MS', '-5'],
  ])('fails fast naming %s=%j', (variable, value) => {
    expect(() => loadRegistryConfig({ [variable]: value })).toThrow(new RegExp(`^${variable} `));
  });

  it('merges partial overrides over the defaults', () => {
    expect(resolveRegistryConfig({ port: 0, token: undefined })).toMatchObject({ port: 0, host: '0.0.0.0' });
  });
});
