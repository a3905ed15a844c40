import { fastify, FastifyInstance } from 'fastify';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { request } from 'undici';
import { RequestContext } from './request-context';
import { useRequestContext } from './request-context.hook';
import { genRequestId } from './request-id';

describe('useRequestContext (a real Fastify server)', () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = fastify({ genReqId: genRequestId });
    useRequestContext(app);
    // What the handler sees after an await: the context must outlive the hook that entered it.
    app.get('/id', async (req) => {
      await nextTurn();
      return { requestId: RequestContext.requestId(), fastifyId: req.id };
    });
    // A JSON body is read on socket events, outside the onRequest hook's scope.
    app.post('/id', async (req) => {
      await nextTurn();
      return { requestId: RequestContext.requestId(), fastifyId: req.id, body: req.body };
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const call = async (method: 'GET' | 'POST', headers: Record<string, string> = {}, body?: string) => {
    const response = await request(`${url}/id`, { method, headers, body });
    return (await response.body.json()) as { requestId?: string; fastifyId: string; body?: unknown };
  };

  it("makes Fastify's request id (the caller's X-Request-Id) the current request id", async () => {
    expect(await call('GET', { 'x-request-id': 'abc-1' })).toEqual({ requestId: 'abc-1', fastifyId: 'abc-1' });
    const generated = await call('GET');
    expect(generated.requestId).toBe(generated.fastifyId);
    expect(generated.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('still holds in the handler of a request with a body', async () => {
    const answer = await call('POST', { 'x-request-id': 'with-body', 'content-type': 'application/json' }, '{"n":1}');
    expect(answer).toEqual({ requestId: 'with-body', fastifyId: 'with-body', body: { n: 1 } });
  });

  it('keeps concurrent requests apart', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    const answers = await Promise.all(ids.map((id, i) => call(i % 2 ? 'GET' : 'POST', { 'x-request-id': id, 'content-type': 'application/json' }, i % 2 ? undefined : '{}')));
    expect(answers.map((a) => a.requestId)).toEqual(ids);
  });

  it('leaves code outside any request without one', () => {
    expect(RequestContext.requestId()).toBeUndefined();
  });
});

describe('useRequestContext with echoRequestId (a real Fastify server)', () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = fastify({ genReqId: genRequestId });
    useRequestContext(app, { echoRequestId: true });
    app.get('/ok', async () => ({ ok: true }));
    app.get('/fails', async () => {
      throw new Error('boom');
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it.each([
    ['an answer', '/ok', 200],
    ['an error', '/fails', 500],
    ['an unknown route', '/missing', 404],
  ])('answers the request id in X-Request-Id on %s', async (_what, path, status) => {
    const given = await request(`${url}${path}`, { headers: { 'x-request-id': 'echo-1' } });
    await given.body.dump();
    expect([given.statusCode, given.headers['x-request-id']]).toEqual([status, 'echo-1']);
    const generated = await request(`${url}${path}`);
    await generated.body.dump();
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
