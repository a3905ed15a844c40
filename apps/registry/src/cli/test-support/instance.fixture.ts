import type { RegistryInstance } from '@nest-discovery/registry-api';

/** A passing, enabled calc instance on 127.0.0.1, with `overrides` on top. @internal */
export function instance(overrides: Partial<RegistryInstance> = {}): RegistryInstance {
  return {
    id: 'calc-1',
    name: 'calc',
    host: '127.0.0.1',
    port: 8081,
    protocol: 'http',
    tags: [],
    metadata: {},
    weight: 1,
    ttlSeconds: 30,
    status: 'passing',
    enabled: true,
    registeredAt: '2026-01-01T00:00:00.000Z',
    lastHeartbeat: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
