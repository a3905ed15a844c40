import { Agent, request } from 'undici';
import { DEFAULT_REGISTRY_CONFIG, RegistryBounds } from '../../../apps/registry/src/config';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, ErrorJson, http, HttpResult, register, StateJson, TestRegistry } from './registry.harness';

/** Each bound refused with a 4xx naming its variable, with nothing written; renewals are never refused. */
jest.setTimeout(30_000);

const withBounds = (bounds: Partial<RegistryBounds>): Promise<TestRegistry> =>
  bootRegistry({ bounds: { ...DEFAULT_REGISTRY_CONFIG.bounds, ...bounds } });

function expectBound(result: HttpResult, status: number, variable: string): void {
  expect({ status: result.status, body: result.body }).toMatchObject({
    status,
    body: { statusCode: status, code: 'BOUND_EXCEEDED', message: expect.stringContaining(variable) },
  });
}

describe('registry bounds', () => {
  let registry: TestRegistry;
  let url: string;
  const state = async () => (await http<StateJson>(`${url}/services?status=all`)).body.services;

  beforeAll(async () => {
    registry = await withBounds({ maxServices: 2, maxInstancesPerService: 2, maxBodyBytes: 4096, maxWatchesPerClient: 2 });
    url = registry.url;
  });
  afterAll(() => registry.close());

  it('refuses a third instance of a service (409, REGISTRY_MAX_INSTANCES_PER_SERVICE), and still renews the two', async () => {
    expect((await register(url, calc({ id: 'calc-1' }))).status).toBe(201);
    expect((await register(url, calc({ id: 'calc-2' }))).status).toBe(201);
    const before = await state();
    expectBound(await register(url, calc({ id: 'calc-3' })), 409, 'REGISTRY_MAX_INSTANCES_PER_SERVICE (2)');
    expect(await state()).toEqual(before);
    expect((await register(url, calc({ id: 'calc-1' }))).status).toBe(200);
  });

  it('refuses a service past REGISTRY_MAX_SERVICES (409), on the registry API and the Consul API alike', async () => {
    expect((await register(url, calc({ id: 'web-1', name: 'web' }))).status).toBe(201);
    const before = await state();
    expectBound(await register(url, calc({ id: 'api-1', name: 'api' })), 409, 'REGISTRY_MAX_SERVICES (2)');
    const consul = await http(`${url}/v1/agent/service/register`, { method: 'PUT', body: { Name: 'api', ID: 'api-2', Port: 80, Address: '127.0.0.2' } });
    expect(consul.status).toBe(409);
    expect(consul.text).toContain('REGISTRY_MAX_SERVICES (2)');
    expect(Object.keys(await state())).toEqual(Object.keys(before));
  });

  it('refuses a body over REGISTRY_MAX_BODY_BYTES (413)', async () => {
    const result = await http<ErrorJson>(`${url}/register`, { method: 'POST', body: calc({ id: 'big', metadata: { big: 'x'.repeat(5000) } }) });
    expect(result.status).toBe(413);
    expect(result.body.message).toBe('body must be at most 4096 bytes (REGISTRY_MAX_BODY_BYTES)');
    expect((await state()).calc.map((instance) => instance.id)).not.toContain('big');
  });

  it('refuses tags and metadata past their bounds (400, naming the field)', async () => {
    const tags = await http<ErrorJson>(`${url}/register`, { method: 'POST', body: calc({ id: 'calc-1', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }) });
    expect(tags.status).toBe(400);
    expect(tags.body.message).toMatch(/tags/);
    const metadata = await http<ErrorJson>(`${url}/register`, { method: 'POST', body: calc({ id: 'calc-1', metadata: { k: 'v'.repeat(1025) } }) });
    expect(metadata.status).toBe(400);
    expect(metadata.body.message).toMatch(/metadata/);
  });

  it('refuses a client a watch past REGISTRY_MAX_WATCHES_PER_CLIENT (429) until one of its watches ends', async () => {
    const { revision } = (await http<StateJson>(`${url}/services`)).body;
    const aborts = [new AbortController(), new AbortController()];
    const parked = aborts.map((abort) =>
      http(`${url}/watch?revision=${revision}&timeoutSeconds=30`, { signal: abort.signal }).catch(() => undefined),
    );
    try {
      const third = await waitFor(async () => {
        const answer = await http(`${url}/watch/services?services=calc`);
        return answer.status === 429 ? answer : undefined;
      }, { message: 'both long polls parked, a third watch refused' });
      expectBound(third, 429, 'REGISTRY_MAX_WATCHES_PER_CLIENT (2)');
      // Nobody can tell when one of the client's watches ends: no Retry-After.
      expect(third.headers.get('retry-after')).toBeNull();
      aborts[0].abort();
      await waitFor(async () => (await http(`${url}/watch/services?services=calc`)).status === 200, { message: 'a slot freed' });
    } finally {
      aborts.forEach((abort) => abort.abort());
      await Promise.all(parked);
    }
  });
});

describe('tags and metadata bounds tighter than the contract', () => {
  it('refuses each (400, naming its variable) on registration and renewal alike, on both APIs, writing nothing', async () => {
    const registry = await withBounds({ maxTags: 2, maxTagLength: 8, maxMetadataEntries: 1, maxMetadataValueLength: 16 });
    const services = async () => (await http<StateJson>(`${registry.url}/services?status=all`)).body.services;
    try {
      expect((await register(registry.url, calc({ id: 'calc-1', tags: ['a', 'b'], metadata: { zone: 'z1' } }))).status).toBe(201);
      const before = await services();
      expectBound(await register(registry.url, calc({ id: 'calc-2', tags: ['a', 'b', 'c'] })), 400, 'REGISTRY_MAX_TAGS (2)');
      expectBound(await register(registry.url, calc({ id: 'calc-2', tags: ['123456789'] })), 400, 'REGISTRY_MAX_TAG_LENGTH (8)');
      expectBound(await register(registry.url, calc({ id: 'calc-2', metadata: { a: '1', b: '2' } })), 400, 'REGISTRY_MAX_METADATA_ENTRIES (1)');
      expectBound(await register(registry.url, calc({ id: 'calc-2', metadata: { a: 'x'.repeat(17) } })), 400, 'REGISTRY_MAX_METADATA_VALUE_LENGTH (16)');
      // A renewal that would declare more is refused too, and the instance keeps what it had.
      expectBound(await register(registry.url, calc({ id: 'calc-1', tags: ['a', 'b', 'c'], metadata: { zone: 'z1' } })), 400, 'REGISTRY_MAX_TAGS (2)');
      const consul = await http(`${registry.url}/v1/agent/service/register`, {
        method: 'PUT',
        body: { Name: 'calc', ID: 'calc-3', Port: 80, Address: '127.0.0.2', Tags: ['a', 'b', 'c'] },
      });
      expect(consul.status).toBe(400);
      expect(consul.text).toContain('REGISTRY_MAX_TAGS (2)');
      expect(await services()).toEqual(before);
      // Within the bounds, a renewal still passes.
      expect((await register(registry.url, calc({ id: 'calc-1', tags: ['a', 'b'], metadata: { zone: 'z1' } }))).status).toBe(200);
    } finally {
      await registry.close();
    }
  });
});

describe('new registrations a minute per client address', () => {
  it('refuses a client past REGISTRY_MAX_NEW_REGISTRATIONS_PER_MINUTE (429), renews its instances, and admits another address', async () => {
    const registry = await withBounds({ maxNewRegistrationsPerMinute: 3 });
    const other = new Agent({ localAddress: '127.0.0.2' });
    try {
      for (const id of ['a', 'b', 'c']) expect((await register(registry.url, calc({ id }))).status).toBe(201);
      const before = (await http<StateJson>(`${registry.url}/services`)).body.services;
      const refused = await register(registry.url, calc({ id: 'd' }));
      expectBound(refused, 429, 'REGISTRY_MAX_NEW_REGISTRATIONS_PER_MINUTE (3)');
      // 3 a minute: the next token in 20 s (less the few ms this test took).
      expect(refused.headers.get('retry-after')).toMatch(/^(19|20)$/);
      expect((await http<StateJson>(`${registry.url}/services`)).body.services).toEqual(before);
      expect((await register(registry.url, calc({ id: 'a' }))).status).toBe(200);
      const fromOther = await request(`${registry.url}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(calc({ id: 'e' })),
        dispatcher: other,
      });
      await fromOther.body.dump();
      expect(fromOther.statusCode).toBe(201);
    } finally {
      await other.close();
      await registry.close();
    }
  });
});
