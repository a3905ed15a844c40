import { describeStores } from '../helpers/stores';
import { bootRegistry, calc, ErrorJson, http, register, StateJson, TestRegistry } from './registry.harness';

describeStores('registry token auth', (store) => {
  const token = 'correct-horse-battery-staple';
  let registry: TestRegistry;
  let url: string;

  beforeAll(async () => {
    registry = await bootRegistry({ token, store: store.location });
    url = registry.url;
  });

  afterAll(() => registry.close());

  it.each([
    ['no token', undefined],
    ['a wrong token', 'wrong'],
    ['a token of another length', 'x'.repeat(200)],
  ])('rejects a register with %s (401) and changes nothing', async (_case, given) => {
    const before = (await http<StateJson>(`${url}/services`)).body;
    const result = await register(url, calc(), { token: given });
    expect(result.status).toBe(401);
    expect(result.body as unknown as ErrorJson).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await http<StateJson>(`${url}/services`)).body).toEqual(before);
  });

  it('accepts writes with the token and keeps reads open', async () => {
    const created = await register(url, calc({ id: 'calc-1' }), { token });
    expect(created.status).toBe(201);
    expect((await http(`${url}/service/calc`)).status).toBe(200);
    expect((await http(`${url}/services`)).status).toBe(200);
    expect((await http(`${url}/watch`)).status).toBe(200);
    expect((await http(`${url}/health`)).status).toBe(200);
  });

  it('guards deregistration too', async () => {
    await register(url, calc({ id: 'calc-2' }), { token });
    expect((await http(`${url}/service/calc/calc-2`, { method: 'DELETE' })).status).toBe(401);
    const removed = await http(`${url}/service/calc/calc-2`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(removed.status).toBe(204);
  });
});
