import { Logger } from '@nestjs/common';
import { RequestContext } from '../context/request-context';
import { instance, json, makeClient, startServer, StaticSource, TestClient, TestServer } from './test-support/fixtures';

Logger.overrideLogger(false);

describe('ServiceClient sends the current request id (real HTTP server)', () => {
  let server: TestServer;
  let test: TestClient;
  // Echoes the x-request-id it got (null when none).
  beforeAll(async () => {
    server = await startServer((req, res) => json(res, 200, { requestId: req.headers['x-request-id'] ?? null }));
    test = makeClient(new StaticSource().set('svc', [instance('a', server.port)]));
  });
  afterAll(async () => {
    await test.close();
    await server.close();
  });

  const received = (call: () => Promise<unknown>) => call().then((body) => (body as { requestId: string | null }).requestId);
  const streamed = async (headers?: Record<string, string>) => {
    const answer = await test.client.stream({ service: 'svc', path: '/x', headers });
    return received(() => answer.body.toArray().then((chunks) => JSON.parse(Buffer.concat(chunks).toString())));
  };

  it('sends none outside a request', async () => {
    expect(await received(() => test.client.request({ service: 'svc', path: '/x' }))).toBeNull();
    expect(await streamed()).toBeNull();
  });

  it('sends the id of the request being handled, from request() and stream(), after awaits', async () => {
    const ids = await RequestContext.run({ requestId: 'req-7' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return [await received(() => test.client.request({ service: 'svc', path: '/x', headers: { 'x-other': '1' } })), await streamed()];
    });
    expect(ids).toEqual(['req-7', 'req-7']);
  });

  it("keeps the caller's own header, whatever its case", async () => {
    const ids = await RequestContext.run({ requestId: 'ambient' }, async () => [
      await received(() => test.client.request({ service: 'svc', path: '/x', headers: { 'X-Request-Id': 'explicit-1' } })),
      await streamed({ 'x-request-id': 'explicit-2' }),
    ]);
    expect(ids).toEqual(['explicit-1', 'explicit-2']);
  });

  it('keeps concurrent requests apart', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `concurrent-${i}`);
    const sent = await Promise.all(
      ids.map((requestId) => RequestContext.run({ requestId }, () => received(() => test.client.request({ service: 'svc', path: '/x' })))),
    );
    expect(sent).toEqual(ids);
  });
});
