import { resolveRegistryConfig } from '../../../apps/registry/src/config';
import { startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, ErrorJson, http, HttpResult, StateJson, TestRegistry } from './registry.harness';

/** Scoped tokens (read, write, admin) on the registry's API and the Consul API, and the no-token default. */
jest.setTimeout(30_000);

const READ = 'read-token';
const WRITE = 'write-token';
const ADMIN = 'admin-token';
type Holder = 'none' | 'stranger' | 'read' | 'write' | 'admin';
const TOKEN_OF: Record<Holder, string | undefined> = { none: undefined, stranger: 'not-a-token', read: READ, write: WRITE, admin: ADMIN };

describe('registry without a write token', () => {
  afterAll(() => stopAll());

  it('listens on loopback only by default', async () => {
    expect(resolveRegistryConfig({}).host).toBe('127.0.0.1');
    const registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir('scopes-default-') });
    expect(registry.output()).toMatch(/Registry listening on http:\/\/127\.0\.0\.1:\d+/);
    await registry.stop();
  });

  it('refuses to start on a non-loopback address unless REGISTRY_ALLOW_OPEN=true, naming REGISTRY_HOST', async () => {
    const failed = startApp('registry', { REGISTRY_HOST: '0.0.0.0', REGISTRY_DATA_DIR: tmpDir('scopes-open-') }, 10_000);
    await expect(failed).rejects.toThrow(/REGISTRY_HOST is 0\.0\.0\.0, not loopback, and no write token is set/);
  });
});

describe('registry with read, write and admin tokens', () => {
  let registry: TestRegistry;
  let url: string;

  beforeAll(async () => {
    registry = await bootRegistry({ tokens: { read: [READ], write: [WRITE], admin: [ADMIN] } });
    url = registry.url;
  });
  afterAll(() => registry.close());

  const as = (holder: Holder, consul = false): Record<string, string> => {
    const token = TOKEN_OF[holder];
    if (token === undefined) return {};
    return consul ? { 'x-consul-token': token } : { authorization: `Bearer ${token}` };
  };
  const state = async (): Promise<StateJson> => (await http<StateJson>(`${url}/services?status=all`, { headers: as('admin') })).body;
  const seed = (id: string) => http(`${url}/register`, { method: 'POST', body: calc({ id, ttlSeconds: 60 }), headers: as('write') });

  type Call = (holder: Holder, n: number) => Promise<HttpResult>;
  const reads: [string, Call][] = [
    ['GET /service/calc', (h) => http(`${url}/service/calc`, { headers: as(h) })],
    ['GET /services', (h) => http(`${url}/services`, { headers: as(h) })],
    ['GET /watch', (h) => http(`${url}/watch`, { headers: as(h) })],
    ['GET /watch/services', (h) => http(`${url}/watch/services?services=calc`, { headers: as(h) })],
    ['GET /metrics', (h) => http(`${url}/metrics`, { headers: as(h) })],
    ['GET /v1/catalog/services', (h) => http(`${url}/v1/catalog/services`, { headers: as(h, true) })],
    ['GET /v1/health/service/calc', (h) => http(`${url}/v1/health/service/calc`, { headers: as(h, true) })],
    ['GET /v1/agent/services', (h) => http(`${url}/v1/agent/services`, { headers: as(h, true) })],
  ];
  const writes: [string, Call][] = [
    ['POST /register', (h, n) => http(`${url}/register`, { method: 'POST', body: calc({ id: `reg-${h}-${n}` }), headers: as(h) })],
    ['DELETE /service/calc/:id', async (h, n) => (await seed(`del-${h}-${n}`), http(`${url}/service/calc/del-${h}-${n}`, { method: 'DELETE', headers: as(h) }))],
    ['PUT /v1/agent/service/register', (h, n) =>
      http(`${url}/v1/agent/service/register`, { method: 'PUT', body: { Name: 'web', ID: `web-${h}-${n}`, Port: 80, Address: '127.0.0.2' }, headers: as(h, true) })],
    ['PUT /v1/agent/service/deregister/:id', async (h, n) =>
      (await seed(`cdel-${h}-${n}`), http(`${url}/v1/agent/service/deregister/cdel-${h}-${n}`, { method: 'PUT', headers: as(h, true) }))],
  ];
  const admin: [string, Call][] = [
    ['PATCH /service/calc/:id', async (h, n) =>
      (await seed(`patch-${h}-${n}`), http(`${url}/service/calc/patch-${h}-${n}`, { method: 'PATCH', body: { enabled: false }, headers: as(h) }))],
  ];

  let n = 0;
  const expectAllowed = async (calls: [string, Call][], holder: Holder) => {
    for (const [route, call] of calls) {
      const result = await call(holder, n++);
      expect({ route, holder, status: result.status < 300 ? 'ok' : result.status }).toEqual({ route, holder, status: 'ok' });
    }
  };
  /** Refused: 401 (no or an unknown token) or 403 (too narrow) on the registry's API, always 403 on Consul's; nothing written. */
  const expectRefused = async (calls: [string, Call][], holder: Holder) => {
    for (const [route, call] of calls) {
      const consul = route.includes('/v1/');
      const before = route.startsWith('GET') ? undefined : await state();
      const seeded = route.startsWith('DELETE') || route.includes('deregister') || route.startsWith('PATCH');
      const result = await call(holder, n++);
      const status = consul || holder === 'read' || holder === 'write' ? 403 : 401;
      expect({ route, holder, status: result.status }).toEqual({ route, holder, status });
      if (consul) expect(result.text).toMatch(/^Permission denied/);
      else expect(result.body as ErrorJson).toMatchObject({ code: status === 401 ? 'TOKEN_MISSING' : 'TOKEN_SCOPE' });
      if (before !== undefined && !seeded) expect((await state()).services).toEqual(before.services);
      if (seeded) expect((await state()).services.calc.find((i) => i.id.endsWith(`-${holder}-${n - 1}`))).toMatchObject({ enabled: true });
    }
  };

  it('refuses everything but public routes without a token, or with an unknown one', async () => {
    for (const holder of ['none', 'stranger'] as const) {
      await expectRefused([...reads, ...writes, ...admin], holder);
      expect((await http(`${url}/health`, { headers: as(holder) })).status).toBe(200);
      expect((await http(`${url}/ui/`, { headers: as(holder) })).status).toBe(200);
    }
  });

  it('lets a read token read, and refuses its writes (403)', async () => {
    await expectAllowed(reads, 'read');
    await expectRefused([...writes, ...admin], 'read');
  });

  it('lets a write token read, register, renew and deregister, and refuses an operator change (403)', async () => {
    await expectAllowed([...reads, ...writes], 'write');
    await expectRefused(admin, 'write');
  });

  it('lets an admin token do everything', async () => {
    await expectAllowed([...reads, ...writes, ...admin], 'admin');
  });

  it('takes the Consul API\'s ?token= as its header', async () => {
    expect((await http(`${url}/v1/catalog/services?token=${READ}`)).status).toBe(200);
    expect((await http(`${url}/v1/catalog/services?token=nope`)).status).toBe(403);
  });
});

describe('registry with a write token only', () => {
  it('keeps reads open and admin closed to the write token', async () => {
    const registry = await bootRegistry({ tokens: { read: [], write: [WRITE], admin: [] } });
    try {
      expect((await http(`${registry.url}/services`)).status).toBe(200);
      const created = await http(`${registry.url}/register`, { method: 'POST', body: calc({ id: 'c-1' }), headers: { authorization: `Bearer ${WRITE}` } });
      expect(created.status).toBe(201);
      const patched = await http(`${registry.url}/service/calc/c-1`, { method: 'PATCH', body: { enabled: false }, headers: { authorization: `Bearer ${WRITE}` } });
      expect(patched.status).toBe(403);
    } finally {
      await registry.close();
    }
  });
});

describe('the library with scoped tokens (real calc and gateway processes)', () => {
  afterAll(() => stopAll());

  it('registers with its write token and looks up with its read token', async () => {
    const registry = await bootRegistry({ tokens: { read: [READ], write: [WRITE], admin: [ADMIN] } });
    try {
      const env = { REGISTRY_URL: registry.url, DISCOVERY_HEARTBEAT_MS: '200' };
      const calcApp = await startApp('calc', { ...env, REGISTRY_TOKEN: WRITE, REGISTRY_READ_TOKEN: READ });
      const gateway = await startApp('gateway', { ...env, REGISTRY_TOKEN: WRITE, REGISTRY_READ_TOKEN: READ, GATEWAY_ROUTES: '/api/calc=calc' });
      await waitFor(async () => (await http<unknown[]>(`${registry.url}/service/calc`, { headers: { authorization: `Bearer ${READ}` } })).body.length === 1, {
        message: 'calc registered with its write token',
      });
      const sum = await waitFor(async () => {
        const answer = await http<{ result: number }>(`${gateway.url}/calc/add/2/3`);
        return answer.status === 200 ? answer.body : undefined;
      }, { message: 'the gateway calling calc through a read-token lookup', timeoutMs: 10_000 });
      expect(sum).toMatchObject({ result: 5 });
      await Promise.all([calcApp.stop(), gateway.stop()]);
    } finally {
      await registry.close();
    }
  });
});
