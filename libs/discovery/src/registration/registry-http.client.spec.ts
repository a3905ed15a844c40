import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRegistryConfig } from '../../../../apps/registry/src/config';
import { createRegistryApp, registryUrl } from '../../../../apps/registry/src/registry.app';
import { resolveDiscoveryOptions } from '../config/resolve-options';
import { RegistryHttpClient } from './registry-http.client';
import { RegistryRequestError } from './registry-request.error';
import { startTestRegistry, TestRegistry } from '../../../../test/fixtures/registry.fixture';

const DEAD_URL = 'http://127.0.0.1:9'; // nothing listens on the discard port: connection refused

function client(urls: string[], token?: string): RegistryHttpClient {
  return new RegistryHttpClient(resolveDiscoveryOptions({ register: false, urls, token }, {}));
}

const body = (port: number) => ({
  name: 'calc',
  host: '127.0.0.1',
  port,
  protocol: 'http' as const,
  tags: [],
  metadata: {},
  weight: 1,
  ttlSeconds: 30,
});

describe('RegistryHttpClient', () => {
  let registry: TestRegistry;
  const clients: RegistryHttpClient[] = [];
  const make = (urls: string[], token?: string): RegistryHttpClient => {
    const made = client(urls, token);
    clients.push(made);
    return made;
  };
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.onApplicationShutdown()));
    await registry.close();
  });

  it('registers (201), renews (200) and omits services when the known revision is current', async () => {
    const http = make([registry.url]);
    const first = await http.register(body(5001));
    expect(first.status).toBe(201);
    expect(first.services?.calc.map((i) => i.id)).toContain(first.instance.id);

    const renewal = await http.register({ ...body(5001), id: first.instance.id }, first.revision);
    expect(renewal.status).toBe(200);
    expect(renewal.services).toBeUndefined();
    expect(renewal.revision).toBe(first.revision);

    expect((await http.service('calc')).map((i) => i.id)).toContain(first.instance.id);
    expect((await http.services()).services.calc.length).toBeGreaterThan(0);
    expect(await http.deregister('calc', first.instance.id)).toBe(true);
    expect(await http.deregister('calc', first.instance.id)).toBe(false);
  });

  it('asks for no services (answer=none) when the caller follows the registry through its watch', async () => {
    const http = make([registry.url]);
    const first = await http.register(body(5005), undefined, false);
    expect(first.status).toBe(201);
    expect(first.services).toBeUndefined();
    expect(first.revision).toBeGreaterThan(0);
    expect(first.instance.port).toBe(5005);
    await http.deregister('calc', first.instance.id);
  });

  it('drains and restores an instance with PATCH, and answers undefined for one the registry does not hold', async () => {
    const http = make([DEAD_URL, registry.url]); // the PATCH fails over like every call
    const { instance } = await http.register(body(5004));
    expect(await http.patch('calc', instance.id, { enabled: false })).toMatchObject({ id: instance.id, enabled: false });
    expect((await http.service('calc')).map((i) => i.id)).not.toContain(instance.id);
    expect(await http.patch('calc', instance.id, { enabled: true })).toMatchObject({ enabled: true });
    expect((await http.service('calc')).map((i) => i.id)).toContain(instance.id);
    expect(await http.patch('calc', 'calc-not-there', { enabled: false })).toBeUndefined();
    await http.deregister('calc', instance.id);
  });

  it('fails over to the next URL and sticks with the one that answered', async () => {
    const http = make([DEAD_URL, registry.url]);
    expect(await http.service('calc')).toEqual(expect.any(Array));
    expect(await http.services()).toMatchObject({ revision: expect.any(Number) });
  });

  it('answers a long poll at once without a revision, and on change with one', async () => {
    const http = make([registry.url]);
    const now = await http.watch(undefined, 5);
    const pending = http.watch(now.revision, 5);
    await http.register(body(5002));
    const changed = await pending;
    expect(changed.revision).toBeGreaterThan(now.revision);
  });

  it('aborts a long poll when asked', async () => {
    const http = make([registry.url]);
    const { revision } = await http.watch(undefined, 5);
    const abort = new AbortController();
    const startedAt = Date.now();
    const pending = http.watch(revision, 30, abort.signal).catch((error: unknown) => error);
    setTimeout(() => abort.abort(), 20);
    const error = await pending;
    // The caller's own abort, passed through as it is (not a registry failure to retry), long before the 30 s poll ends.
    expect((error as DOMException).name).toBe('AbortError');
    expect(error).not.toBeInstanceOf(RegistryRequestError);
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('reports an unreachable registry as a retryable error', async () => {
    const error = await make([DEAD_URL]).services().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryRequestError);
    expect(error).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retryable: true });
  });

  it('gives up on a registry that does not answer within the request timeout', async () => {
    const silent: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const startedAt = Date.now();
    const error = await make([url]).services().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', message: expect.stringContaining('timed out') });
    expect(Date.now() - startedAt).toBeLessThan(3000);
    silent.closeAllConnections();
    silent.close();
  });

  it('passes on how long the registry asked to wait when it refuses a new registration for its rate (Retry-After)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'discovery-rate-'));
    const config = resolveRegistryConfig({ port: 0, host: '127.0.0.1', dataDir });
    const limited = await createRegistryApp({ ...config, bounds: { ...config.bounds, maxNewRegistrationsPerMinute: 2 } }, { logger: false });
    try {
      const registrar = make([registryUrl(limited)]);
      await registrar.register(body(5011));
      await registrar.register(body(5012));
      const refused = await registrar.register(body(5013)).catch((e: unknown) => e);
      // Two a minute: the next in 30 s.
      expect(refused).toMatchObject({ code: 'REGISTRY_REJECTED', status: 429, retryAfterMs: expect.any(Number) });
      expect((refused as RegistryRequestError).retryAfterMs).toBeGreaterThanOrEqual(29_000);
      expect((refused as RegistryRequestError).retryAfterMs).toBeLessThanOrEqual(30_000);
    } finally {
      await limited.close();
    }
  });

  it('sends the bearer token on writes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'discovery-token-'));
    const secured = await createRegistryApp(
      resolveRegistryConfig({ port: 0, host: '127.0.0.1', dataDir, token: 's3cret' }),
      { logger: false },
    );
    try {
      const url = registryUrl(secured);
      const rejected = await make([url]).register(body(5003)).catch((e: unknown) => e);
      expect(rejected).toMatchObject({ code: 'REGISTRY_REJECTED', status: 401, retryable: false });
      const accepted = await make([url], 's3cret').register(body(5003));
      expect(accepted.status).toBe(201);
      const { instance } = accepted;
      expect(await make([url]).patch('calc', instance.id, { enabled: false }).catch((e: unknown) => e)).toMatchObject({
        code: 'REGISTRY_REJECTED',
        status: 401,
      });
      expect(await make([url], 's3cret').patch('calc', instance.id, { enabled: false })).toMatchObject({ enabled: false });
    } finally {
      await secured.close();
    }
  });
});
