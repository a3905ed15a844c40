import { describeStores } from '../helpers/stores';
import { bootRegistry, calc, http, InstanceJson, patchInstance, register, StateJson, TestRegistry } from './registry.harness';

/**
 * Operator controls and listing scopes, the same on every store: `PATCH /service/:name/:id` drains an
 * instance or overrides its weight, both outlive the instance's renewals, and reads leave drained
 * instances out unless asked for `?status=all`.
 */
describeStores('registry operator controls', (store) => {
  let registry: TestRegistry;
  let url: string;

  beforeEach(async () => {
    registry = await bootRegistry({ store: store.location });
    url = registry.url;
  });

  afterEach(() => registry.close());

  const revision = async (): Promise<number> => (await http<StateJson>(`${url}/services`)).body.revision;
  const ids = (instances: InstanceJson[] | undefined): string[] => (instances ?? []).map((instance) => instance.id).sort();

  it('drains an instance: out of lookups, /services and watches, still listed with ?status=all; revision bumps', async () => {
    await register(url, calc({ id: 'calc-1', ttlSeconds: 60 }));
    await register(url, calc({ id: 'calc-2', port: 8081, ttlSeconds: 60 }));
    const before = await revision();
    const watch = http<StateJson>(`${url}/watch?revision=${before}&timeoutSeconds=10`);

    const drained = await patchInstance(url, 'calc', 'calc-1', { enabled: false });
    expect(drained.status).toBe(200);
    expect(drained.body).toMatchObject({ id: 'calc-1', enabled: false, overrides: { enabled: false }, weight: 1 });

    const woke = await watch;
    expect(woke.body.revision).toBeGreaterThan(before);
    expect(ids(woke.body.services.calc)).toEqual(['calc-2']);
    expect(ids((await http<InstanceJson[]>(`${url}/service/calc`)).body)).toEqual(['calc-2']);
    expect(ids((await http<StateJson>(`${url}/services`)).body.services.calc)).toEqual(['calc-2']);

    const all = await http<InstanceJson[]>(`${url}/service/calc?status=all`);
    expect(all.body.find((instance) => instance.id === 'calc-1')).toMatchObject({ enabled: false });
    expect(ids((await http<StateJson>(`${url}/services?status=all`)).body.services.calc)).toEqual(['calc-1', 'calc-2']);
    expect(ids((await http<StateJson>(`${url}/watch?status=all`)).body.services.calc)).toEqual(['calc-1', 'calc-2']);

    // A service whose every instance is drained has nothing to offer: it leaves the routable listing.
    await patchInstance(url, 'calc', 'calc-2', { enabled: false });
    expect((await http<StateJson>(`${url}/services`)).body.services).not.toHaveProperty('calc');
    expect((await http<InstanceJson[]>(`${url}/service/calc`)).body).toEqual([]);
  });

  it('keeps a drain and a weight override across renewals, even when the instance changes its own weight', async () => {
    await register(url, calc({ id: 'calc-1', weight: 2, ttlSeconds: 60 }));
    await patchInstance(url, 'calc', 'calc-1', { enabled: false, weight: 9 });
    const patched = await revision();

    const renewal = await register(url, calc({ id: 'calc-1', weight: 2, ttlSeconds: 60 }));
    expect(renewal.status).toBe(200);
    expect(renewal.body.instance).toMatchObject({ enabled: false, weight: 9, overrides: { enabled: false, weight: 9 } });
    expect(renewal.body.revision).toBe(patched);

    // The instance's own weight changes under the override: a change (revision), but the override still rules.
    const reweighed = await register(url, calc({ id: 'calc-1', weight: 5, ttlSeconds: 60 }));
    expect(reweighed.body.instance).toMatchObject({ enabled: false, weight: 9 });
    expect(reweighed.body.revision).toBeGreaterThan(patched);

    // Lifting the overrides returns the instance to what it registers with, at once.
    const lifted = await patchInstance(url, 'calc', 'calc-1', { enabled: true, weight: null });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ enabled: true, weight: 5 });
    expect(lifted.body).not.toHaveProperty('overrides');
    expect(ids((await http<InstanceJson[]>(`${url}/service/calc`)).body)).toEqual(['calc-1']);
    const renewed = await register(url, calc({ id: 'calc-1', weight: 5, ttlSeconds: 60 }));
    expect(renewed.body.instance).toMatchObject({ enabled: true, weight: 5 });
  });

  it('a patch that changes nothing leaves the revision alone', async () => {
    await register(url, calc({ id: 'calc-1', ttlSeconds: 60 }));
    await patchInstance(url, 'calc', 'calc-1', { weight: 4 });
    const before = await revision();
    const again = await patchInstance(url, 'calc', 'calc-1', { weight: 4 });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ weight: 4, overrides: { weight: 4 } });
    expect(await revision()).toBe(before);
  });

  it('answers 404 for an unknown instance or one under another name, and 400 naming the field for a bad body', async () => {
    await register(url, calc({ id: 'calc-1', ttlSeconds: 60 }));
    const before = await revision();
    expect((await patchInstance(url, 'calc', 'nope', { enabled: false })).status).toBe(404);
    expect((await patchInstance(url, 'orders', 'calc-1', { enabled: false })).status).toBe(404);

    const cases: [unknown, RegExp][] = [
      [{}, /enabled or weight/],
      [{ enabled: 'no' }, /enabled must be true or false/],
      [{ weight: 0 }, /weight must be an integer between 1 and 1000/],
      [{ weight: 2.5 }, /weight/],
      [{ weight: 3, colour: 'red' }, /colour/],
      [[{ enabled: false }], /body must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const answer = await patchInstance(url, 'calc', 'calc-1', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.message).toMatch(message);
    }
    expect(await revision()).toBe(before);
    const [instance] = (await http<InstanceJson[]>(`${url}/service/calc`)).body;
    expect(instance).toMatchObject({ enabled: true, weight: 1 });
    expect(instance).not.toHaveProperty('overrides');
  });

  it('rejects ?status values it does not know', async () => {
    const answer = await http<{ message: string }>(`${url}/service/calc?status=critical`);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/status must be passing or all/);
  });

  it('keeps a registered check with its defaults, and a renewal that changes the check is a change', async () => {
    const first = await register(url, calc({ id: 'calc-1', ttlSeconds: 60, check: { type: 'http' } }));
    expect(first.body.instance.check).toEqual({
      type: 'http',
      path: '/health',
      intervalSeconds: 10,
      timeoutSeconds: 2,
      failuresBeforeCritical: 3,
      successesBeforePassing: 2,
      deregisterCriticalAfterSeconds: 60,
    });
    const same = await register(url, calc({ id: 'calc-1', ttlSeconds: 60, check: { type: 'http' } }));
    expect(same.body.revision).toBe(first.body.revision);
    const changed = await register(url, calc({ id: 'calc-1', ttlSeconds: 60, check: { type: 'tcp', intervalSeconds: 5 } }));
    expect(changed.body.revision).toBeGreaterThan(first.body.revision);
    expect(changed.body.instance.check).toEqual({
      type: 'tcp',
      intervalSeconds: 5,
      timeoutSeconds: 2,
      failuresBeforeCritical: 3,
      successesBeforePassing: 2,
      deregisterCriticalAfterSeconds: 60,
    });
  });

  it('rejects a check that names another address or a bad field, naming check.<field>', async () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'icmp' }, /check.type must be one of http, tcp, grpc/],
      [{ type: 'http', path: 'http://169.254.169.254/latest' }, /check.path must be an absolute path/],
      [{ type: 'http', path: '//evil.example/x' }, /check.path/],
      [{ type: 'http', intervalSeconds: 0 }, /check.intervalSeconds must be an integer between 1 and 3600/],
      [{ type: 'tcp', host: '10.0.0.1' }, /host/],
      ['http', /check must be an object/],
    ];
    for (const [check, message] of cases) {
      const answer = await register(url, calc({ id: 'calc-x', check }));
      expect({ check, status: answer.status }).toEqual({ check, status: 400 });
      expect((answer.body as unknown as { message: string }).message).toMatch(message);
    }
    expect((await http<InstanceJson[]>(`${url}/service/calc`)).body).toEqual([]);
  });
});
