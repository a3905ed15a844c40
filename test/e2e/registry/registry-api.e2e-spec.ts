import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, ErrorJson, http, InstanceJson, register, StateJson, TestRegistry } from './registry.harness';

describe('registry API', () => {
  let registry: TestRegistry;
  let url: string;

  beforeEach(async () => {
    registry = await bootRegistry();
    url = registry.url;
  });

  afterEach(() => registry.close());

  it('registers a new instance with 201, an assigned id and the defaults', async () => {
    const { status, body } = await register(url, calc());
    expect(status).toBe(201);
    expect(body.instance).toEqual({
      id: expect.stringMatching(/^calc-[0-9a-f]+$/),
      name: 'calc',
      host: '127.0.0.1',
      port: 8080,
      protocol: 'http',
      tags: [],
      metadata: {},
      weight: 1,
      ttlSeconds: 30,
      status: 'passing',
      registeredAt: expect.any(String),
      lastHeartbeat: expect.any(String),
    });
    expect(new Date(body.instance.registeredAt).toISOString()).toBe(body.instance.registeredAt);
    expect(body.revision).toBe(1);
    expect(body.services).toEqual({ calc: [body.instance] });
  });

  it('renews with 200 without bumping the revision; knownRevision leaves services out', async () => {
    const first = await register(url, calc({ id: 'calc-1', tags: ['v1'] }));
    const renewal = await register(url, calc({ id: 'calc-1', tags: ['v1'] }), { knownRevision: first.body.revision });
    expect(renewal.status).toBe(200);
    expect(renewal.body.revision).toBe(first.body.revision);
    expect(renewal.body).not.toHaveProperty('services');
    expect(renewal.body.instance.registeredAt).toBe(first.body.instance.registeredAt);

    const stale = await register(url, calc({ id: 'calc-1', tags: ['v1'] }), { knownRevision: 0 });
    expect(stale.body.services).toEqual({ calc: [expect.objectContaining({ id: 'calc-1' })] });
  });

  it('bumps the revision when a renewal changes metadata', async () => {
    const first = await register(url, calc({ id: 'calc-1', metadata: { zone: 'a' } }));
    const changed = await register(url, calc({ id: 'calc-1', metadata: { zone: 'b' } }), {
      knownRevision: first.body.revision,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.revision).toBe(first.body.revision + 1);
    expect(changed.body.services?.calc[0].metadata).toEqual({ zone: 'b' });
  });

  it('answers 409 for an id registered under another name and changes nothing', async () => {
    await register(url, calc({ id: 'shared-1' }));
    const before = await http<StateJson>(`${url}/services`);
    const conflict = await register(url, calc({ id: 'shared-1', name: 'web' }));
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'INSTANCE_NAME_CONFLICT' });
    expect((conflict.body as unknown as ErrorJson).message).toContain('shared-1');
    expect((await http<StateJson>(`${url}/services`)).body).toEqual(before.body);
  });

  it('looks services up, by tag too; unknown services are []', async () => {
    await register(url, calc({ id: 'blue-1', tags: ['blue'] }));
    await register(url, calc({ id: 'green-1', tags: ['green', 'canary'] }));
    const all = await http<InstanceJson[]>(`${url}/service/calc`);
    expect(all.status).toBe(200);
    expect(all.body.map((instance) => instance.id)).toEqual(['blue-1', 'green-1']);
    const green = await http<InstanceJson[]>(`${url}/service/calc?tag=canary`);
    expect(green.body.map((instance) => instance.id)).toEqual(['green-1']);
    expect((await http(`${url}/service/calc?tag=red`)).body).toEqual([]);
    const unknown = await http(`${url}/service/nothing`);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual([]);
  });

  it('lists every service with the revision', async () => {
    await register(url, calc({ id: 'calc-1' }));
    await register(url, calc({ id: 'web-1', name: 'web', protocol: 'https', weight: 5 }));
    const { status, body, headers } = await http<StateJson>(`${url}/services`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/json');
    expect(body.revision).toBe(2);
    expect(Object.keys(body.services)).toEqual(['calc', 'web']);
    expect(body.services.web[0]).toMatchObject({ protocol: 'https', weight: 5 });
  });

  it('deregisters with 204, then 404', async () => {
    await register(url, calc({ id: 'calc-1' }));
    const removed = await http(`${url}/service/calc/calc-1`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await http(`${url}/service/calc`)).body).toEqual([]);
    const again = await http<ErrorJson>(`${url}/service/calc/calc-1`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'INSTANCE_NOT_FOUND' });
    expect((await http<StateJson>(`${url}/services`)).body.revision).toBe(2);
  });

  it('evicts an instance whose TTL ran out, bumping the revision', async () => {
    await register(url, calc({ id: 'short', ttlSeconds: 1 }));
    await register(url, calc({ id: 'long', ttlSeconds: 60 }));
    const started = Date.now();
    const state = await waitFor(
      async () => {
        const { body } = await http<StateJson>(`${url}/services`);
        return body.services.calc.length === 1 ? body : undefined;
      },
      { timeoutMs: 3000, message: 'eviction of the short-lived instance' },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(state.services.calc.map((instance) => instance.id)).toEqual(['long']);
    expect(state.revision).toBe(3);
  });

  it('a renewal of an id the registry does not hold is a new registration (201)', async () => {
    const { status, body } = await register(url, calc({ id: 'calc-known-elsewhere' }), { knownRevision: 42 });
    expect(status).toBe(201);
    expect(body.instance.id).toBe('calc-known-elsewhere');
    expect(body.services).toBeDefined();
  });

  it('reports health', async () => {
    await register(url, calc());
    const { status, body } = await http(`${url}/health`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', revision: 1, services: 1, instances: 1 });
  });

  it('answers unknown routes with a 404 JSON body', async () => {
    const { status, body } = await http<ErrorJson>(`${url}/nope`);
    expect(status).toBe(404);
    expect(body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('/nope') });
  });
});
