import { describeStores } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, ErrorJson, http, InstanceJson, register, RegisterJson, StateJson, TestRegistry } from './registry.harness';

/**
 * The registry API's contract, the same on every store. Revisions are compared, never spelled out: the
 * memory and Redis stores count 1, 2, 3…, etcd uses its own (larger) revision numbers.
 */
describeStores('registry API', (store) => {
  let registry: TestRegistry;
  let url: string;
  let initial: number;

  beforeEach(async () => {
    registry = await bootRegistry({ store: store.location });
    url = registry.url;
    initial = (await http<StateJson>(`${url}/services`)).body.revision;
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
      enabled: true,
      registeredAt: expect.any(String),
      lastHeartbeat: expect.any(String),
    });
    expect(new Date(body.instance.registeredAt).toISOString()).toBe(body.instance.registeredAt);
    expect(body.revision).toBeGreaterThan(initial);
    expect(body.services).toEqual({ calc: [body.instance] });
  });

  it('answers without services when asked for none (answer=none), new registrations and stale revisions too', async () => {
    await register(url, calc({ id: 'calc-1' }));
    const created = await http<RegisterJson>(`${url}/register?answer=none`, { method: 'POST', body: calc({ id: 'calc-2' }) });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ instance: expect.objectContaining({ id: 'calc-2' }), revision: expect.any(Number) });
    expect(created.body.revision).toBe((await http<StateJson>(`${url}/services`)).body.revision);
    const stale = await http<RegisterJson>(`${url}/register?knownRevision=0&answer=none`, { method: 'POST', body: calc({ id: 'calc-2' }) });
    expect(stale.status).toBe(200);
    expect(stale.body).not.toHaveProperty('services');
    // answer=all is the original contract: every registration when the caller's revision is not current.
    const all = await http<RegisterJson>(`${url}/register?knownRevision=0&answer=all`, { method: 'POST', body: calc({ id: 'calc-2' }) });
    expect(Object.keys(all.body.services ?? {})).toEqual(['calc']);
  });

  it('renews with 200 without bumping the revision; knownRevision leaves services out', async () => {
    const first = await register(url, calc({ id: 'calc-1', tags: ['v1'] }));
    const renewal = await register(url, calc({ id: 'calc-1', tags: ['v1'] }), { knownRevision: first.body.revision });
    expect(renewal.status).toBe(200);
    expect(renewal.body.revision).toBe(first.body.revision);
    expect(renewal.body).not.toHaveProperty('services');
    expect(renewal.body.instance.registeredAt).toBe(first.body.instance.registeredAt);
    expect(Date.parse(renewal.body.instance.lastHeartbeat)).toBeGreaterThanOrEqual(Date.parse(first.body.instance.lastHeartbeat));
    expect((await http<StateJson>(`${url}/services`)).body.revision).toBe(first.body.revision);

    const stale = await register(url, calc({ id: 'calc-1', tags: ['v1'] }), { knownRevision: 0 });
    expect(stale.body.services).toEqual({ calc: [expect.objectContaining({ id: 'calc-1' })] });
  });

  it('holds an app with a gRPC listener as one instance with a named endpoint, its defaults filled in', async () => {
    const body = calc({ id: 'calc-1', endpoints: { grpc: { port: 50051, check: { type: 'grpc' } } } });
    const first = await register(url, body);
    expect(first.status).toBe(201);
    expect(first.body.instance).toMatchObject({
      id: 'calc-1',
      port: 8080,
      protocol: 'http',
      endpoints: {
        grpc: {
          port: 50051,
          protocol: 'grpc',
          check: { type: 'grpc', service: '', intervalSeconds: 10, timeoutSeconds: 2, failuresBeforeCritical: 3, successesBeforePassing: 2, deregisterCriticalAfterSeconds: 60 },
        },
      },
    });
    const lookup = await http<InstanceJson[]>(`${url}/service/calc`);
    expect(lookup.body).toHaveLength(1);
    expect(lookup.body[0]).toEqual(first.body.instance);

    // The same endpoints renew without a new revision; a moved endpoint is a change.
    const renewal = await register(url, body, { knownRevision: first.body.revision });
    expect(renewal).toMatchObject({ status: 200, body: { revision: first.body.revision } });
    const moved = await register(url, calc({ id: 'calc-1', endpoints: { grpc: { port: 50052, check: { type: 'grpc' } } } }));
    expect(moved.body.revision).toBeGreaterThan(first.body.revision);
    expect(moved.body.instance.endpoints).toMatchObject({ grpc: { port: 50052 } });

    // Deregistration removes the app, endpoints and all.
    expect((await http(`${url}/service/calc/calc-1`, { method: 'DELETE' })).status).toBe(204);
    expect((await http<InstanceJson[]>(`${url}/service/calc?status=all`)).body).toEqual([]);
  });

  it('bumps the revision when a renewal changes metadata', async () => {
    const first = await register(url, calc({ id: 'calc-1', metadata: { zone: 'a' } }));
    const changed = await register(url, calc({ id: 'calc-1', metadata: { zone: 'b' } }), {
      knownRevision: first.body.revision,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.revision).toBeGreaterThan(first.body.revision);
    expect(changed.body.instance.registeredAt).toBe(first.body.instance.registeredAt);
    expect(changed.body.services?.calc[0].metadata).toEqual({ zone: 'b' });
  });

  it.each([
    ['tags', { tags: ['v2'] }],
    ['weight', { weight: 5 }],
    ['port', { port: 9090 }],
    ['ttl', { ttlSeconds: 20 }],
  ])('bumps the revision when a renewal changes %s, and lists the new fields', async (_field, change) => {
    const first = await register(url, calc({ id: 'calc-1' }));
    const changed = await register(url, calc({ id: 'calc-1', ...change }), { knownRevision: first.body.revision });
    expect(changed.body.revision).toBeGreaterThan(first.body.revision);
    expect(changed.body.instance).toMatchObject(change);
    expect((await http<InstanceJson[]>(`${url}/service/calc`)).body).toEqual([expect.objectContaining(change)]);
  });

  it('does not bump the revision when only the order of metadata keys differs', async () => {
    const first = await register(url, calc({ id: 'calc-1', metadata: { a: '1', b: '2' } }));
    const renewal = await register(url, calc({ id: 'calc-1', metadata: { b: '2', a: '1' } }), { knownRevision: first.body.revision });
    expect(renewal.body.revision).toBe(first.body.revision);
    expect(renewal.body).not.toHaveProperty('services');
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
    expect(body.revision).toBeGreaterThan(initial);
    expect(Object.keys(body.services)).toEqual(['calc', 'web']);
    expect(body.services.web[0]).toMatchObject({ protocol: 'https', weight: 5 });
  });

  it('deregisters with 204, then 404', async () => {
    const registered = await register(url, calc({ id: 'calc-1' }));
    const removed = await http(`${url}/service/calc/calc-1`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await http(`${url}/service/calc`)).body).toEqual([]);
    const again = await http<ErrorJson>(`${url}/service/calc/calc-1`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'INSTANCE_NOT_FOUND' });
    const after = (await http<StateJson>(`${url}/services`)).body;
    expect(after.revision).toBeGreaterThan(registered.body.revision);
    expect(after.services).toEqual({});
    expect((await http(`${url}/service/web/calc-1`, { method: 'DELETE' })).status).toBe(404);
  });

  it('evicts an instance whose TTL ran out, bumping the revision', async () => {
    await register(url, calc({ id: 'short', ttlSeconds: 1 }));
    const registered = await register(url, calc({ id: 'long', ttlSeconds: 60 }));
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
    expect(state.revision).toBeGreaterThan(registered.body.revision);
  });

  it('keeps an instance that renews within its TTL', async () => {
    const first = await register(url, calc({ id: 'renewing', ttlSeconds: 1 }));
    const until = Date.now() + 2200;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const renewal = await register(url, calc({ id: 'renewing', ttlSeconds: 1 }), { knownRevision: first.body.revision });
      expect(renewal.status).toBe(200);
    }
    const { body } = await http<StateJson>(`${url}/services`);
    expect(body.revision).toBe(first.body.revision);
    expect(body.services.calc.map((instance) => instance.id)).toEqual(['renewing']);
  });

  it('a renewal of an id the registry does not hold is a new registration (201)', async () => {
    const { status, body } = await register(url, calc({ id: 'calc-known-elsewhere' }), { knownRevision: 42 });
    expect(status).toBe(201);
    expect(body.instance.id).toBe('calc-known-elsewhere');
    expect(body.services).toBeDefined();
  });

  it('reports health, with the store', async () => {
    const { body: registered } = await register(url, calc());
    const { status, body } = await http(`${url}/health`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      store: { kind: store.kind, reachable: true },
      revision: registered.revision,
      services: 1,
      instances: 1,
    });
  });

  it('answers unknown routes with a 404 JSON body', async () => {
    const { status, body } = await http<ErrorJson>(`${url}/nope`);
    expect(status).toBe(404);
    expect(body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('/nope') });
  });
});
