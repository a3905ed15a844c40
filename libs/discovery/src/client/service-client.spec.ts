import { Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { NoAvailableInstanceError } from '../errors/no-available-instance.error';
import { RemoteHttpError } from '../errors/remote-http.error';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { readText } from './http-transport.interface';
import {
  closedPort,
  instance,
  json,
  makeClient,
  startServer,
  StaticSource,
  TestClient,
  TestServer,
} from './test-support/fixtures';

Logger.overrideLogger(false);

describe('ServiceClient (real HTTP servers)', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const server = async (handler: Parameters<typeof startServer>[0]) => {
    const s = await startServer(handler);
    servers.push(s);
    return s;
  };
  const client = (source: StaticSource, overrides: Parameters<typeof makeClient>[1] = {}) => {
    const c = makeClient(source, overrides);
    clients.push(c);
    return c;
  };
  const ok = () => server((req, res, body) => json(res, 200, { url: req.url, method: req.method, body }));
  const status = (code: number) => server((_req, res) => json(res, code, { error: code }));
  const hang = () => server(() => undefined);

  describe('request', () => {
    it('returns parsed JSON, text, and undefined for 204', async () => {
      const s = await server((req, res) => {
        if (req.url === '/json') return json(res, 200, { result: 3 });
        if (req.url === '/text') return res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
        res.writeHead(204).end();
      });
      const { client: c } = client(new StaticSource().set('svc', [instance('a', s.port)]));
      await expect(c.request({ service: 'svc', path: '/json' })).resolves.toEqual({ result: 3 });
      await expect(c.request({ service: 'svc', path: '/text' })).resolves.toBe('hello');
      await expect(c.request({ service: 'svc', method: 'DELETE', path: '/gone' })).resolves.toBeUndefined();
    });

    it('encodes query (arrays repeat) and JSON body with a content-type', async () => {
      let seen: { headers: Record<string, unknown>; body: string } | undefined;
      const s = await server((req, res, body) => {
        seen = { headers: req.headers, body };
        json(res, 200, { url: req.url });
      });
      const { client: c } = client(new StaticSource().set('svc', [instance('a', s.port)]));
      const answer = await c.request<{ url: string }>({
        service: 'svc',
        method: 'POST',
        path: '/x',
        query: { a: 1, tag: ['p q', 'r&s'], skip: undefined, on: true },
        body: { n: 1 },
        headers: { 'x-trace': 't1' },
      });
      expect(answer.url).toBe('/x?a=1&tag=p%20q&tag=r%26s&on=true');
      expect(seen!.body).toBe('{"n":1}');
      expect(seen!.headers['content-type']).toBe('application/json');
      expect(seen!.headers['x-trace']).toBe('t1');
    });

    it('throws RemoteHttpError with status, parsed body and instance on 4xx, without retrying', async () => {
      const s = await status(404);
      const other = await ok();
      const { client: c } = client(new StaticSource().set('svc', [instance('a', s.port), instance('b', other.port)]), {
        loadBalancing: 'round-robin',
      });
      const error = await c.request({ service: 'svc', path: '/missing' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteHttpError);
      expect(error).toMatchObject({ status: 404, body: { error: 404 }, code: 'REMOTE_HTTP_ERROR', retryable: false });
      expect((error as RemoteHttpError).instance.id).toBe('a');
      expect(other.hits).toHaveLength(0);
    });

    it('retries a GET on another instance after a connection refusal', async () => {
      const good = await ok();
      const { client: c } = client(
        new StaticSource().set('svc', [instance('dead', await closedPort()), instance('good', good.port)]),
      );
      for (let i = 0; i < 6; i++) await expect(c.request({ service: 'svc', path: '/p' })).resolves.toMatchObject({ url: '/p' });
      expect(good.hits).toHaveLength(6);
    });

    it('retries a GET on another instance after a 503', async () => {
      const bad = await status(503);
      const good = await ok();
      const { client: c } = client(new StaticSource().set('svc', [instance('bad', bad.port), instance('good', good.port)]));
      for (let i = 0; i < 4; i++) await expect(c.request({ service: 'svc', path: '/p' })).resolves.toMatchObject({ url: '/p' });
      expect(bad.hits.length).toBeGreaterThan(0);
      expect(good.hits).toHaveLength(4);
    });

    it('does NOT retry a POST after a 503', async () => {
      const bad = await status(503);
      const good = await ok();
      const { client: c } = client(new StaticSource().set('svc', [instance('bad', bad.port), instance('good', good.port)]));
      const error = await c.request({ service: 'svc', method: 'POST', path: '/p', body: {} }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REMOTE_HTTP_ERROR', status: 503 });
      expect(bad.hits).toHaveLength(1);
      expect(good.hits).toHaveLength(0);
    });

    it('does NOT retry a POST after a timeout', async () => {
      const slow = await hang();
      const good = await ok();
      const { client: c } = client(new StaticSource().set('svc', [instance('slow', slow.port), instance('good', good.port)]));
      const error = await c
        .request({ service: 'svc', method: 'POST', path: '/p', body: {}, timeoutMs: 100 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteTimeoutError);
      expect(error).toMatchObject({ code: 'REMOTE_TIMEOUT', timeoutMs: 100, retryable: true });
      expect(slow.hits).toHaveLength(1);
      expect(good.hits).toHaveLength(0);
    });

    it('retries a POST when the first instance refused the connection', async () => {
      const good = await ok();
      const { client: c } = client(
        new StaticSource().set('svc', [instance('dead', await closedPort()), instance('good', good.port)]),
      );
      await expect(c.request({ service: 'svc', method: 'POST', path: '/p', body: { n: 1 } })).resolves.toMatchObject({
        method: 'POST',
        body: '{"n":1}',
      });
      expect(good.hits).toHaveLength(1);
    });

    it('retries a GET timeout on another instance', async () => {
      const slow = await hang();
      const good = await ok();
      const { client: c } = client(new StaticSource().set('svc', [instance('slow', slow.port), instance('good', good.port)]));
      for (let i = 0; i < 2; i++) {
        await expect(c.request({ service: 'svc', path: '/p', timeoutMs: 100 })).resolves.toMatchObject({ url: '/p' });
      }
      expect(slow.hits).toHaveLength(1);
    });

    it('gives up after the retry budget with the last error', async () => {
      const { client: c } = client(
        new StaticSource().set('svc', [instance('d1', await closedPort()), instance('d2', await closedPort())]),
        { retries: 1 },
      );
      const error = await c.request({ service: 'svc', path: '/p' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteUnavailableError);
      expect(error).toMatchObject({ code: 'REMOTE_UNAVAILABLE', retryable: true });
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
    });

    it('throws NoAvailableInstanceError (retryable) when nothing is registered or matches', async () => {
      const { client: c } = client(new StaticSource().set('svc', [instance('a', 1, { tags: ['v1'] })]), { retries: 0 });
      await expect(c.request({ service: 'nope', path: '/' })).rejects.toBeInstanceOf(NoAvailableInstanceError);
      await expect(c.request({ service: 'svc', path: '/', filter: { tags: ['v2'] } })).rejects.toMatchObject({
        code: 'NO_AVAILABLE_INSTANCE',
        retryable: true,
        message: expect.stringMatching(/match the filter/),
      });
    });

    it('ejects an instance after consecutive failures and stops sending to it', async () => {
      const bad = await status(500);
      const good = await ok();
      const { client: c, ejection } = client(
        new StaticSource().set('svc', [instance('bad', bad.port), instance('good', good.port)]),
        { outlierEjection: { consecutiveFailures: 2, cooldownMs: 60_000 } },
      );
      for (let i = 0; i < 6; i++) await c.request({ service: 'svc', path: '/p' }).catch(() => undefined);
      expect(ejection.state('bad')).toBe('open');
      const before = bad.hits.length;
      for (let i = 0; i < 10; i++) await c.request({ service: 'svc', path: '/p' });
      expect(bad.hits.length).toBe(before);
    });

    it('lets the caller abort, without retrying or blaming the instance', async () => {
      const slow = await hang();
      const { client: c, ejection } = client(new StaticSource().set('svc', [instance('slow', slow.port)]), {
        outlierEjection: { consecutiveFailures: 1, cooldownMs: 60_000 },
      });
      const controller = new AbortController();
      const pending = c.request({ service: 'svc', path: '/p', signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toBeDefined();
      expect(ejection.state('slow')).toBe('closed');
      expect(slow.hits).toHaveLength(1);
    });
  });

  describe('stream', () => {
    it('streams the request body up and the answer back, returning upstream statuses', async () => {
      const s = await server((req, res, body) => {
        res.writeHead(req.url === '/teapot' ? 418 : 200, { 'content-type': 'text/plain', 'x-up': '1' });
        res.end(`${req.method} ${req.url} ${body} host=${req.headers.host}`);
      });
      const { client: c } = client(new StaticSource().set('svc', [instance('a', s.port)]));
      const up = await c.stream({
        service: 'svc',
        method: 'POST',
        path: '/echo?x=1',
        headers: { host: 'gateway.local', connection: 'keep-alive, x-drop', 'x-drop': 'y', 'content-type': 'text/plain' },
        body: Readable.from([Buffer.from('chunk1-'), Buffer.from('chunk2')]),
      });
      expect(up.statusCode).toBe(200);
      expect(up.headers['x-up']).toBe('1');
      expect(up.instance.id).toBe('a');
      expect(await readText(up.body)).toBe(`POST /echo?x=1 chunk1-chunk2 host=127.0.0.1:${s.port}`);

      const teapot = await c.stream({ service: 'svc', path: '/teapot' });
      expect(teapot.statusCode).toBe(418);
      await readText(teapot.body);
    });

    it('retries a GET answered 503 on another instance first', async () => {
      const bad = await status(503);
      const good = await ok();
      const { client: c } = client(new StaticSource().set('svc', [instance('bad', bad.port), instance('good', good.port)]));
      for (let i = 0; i < 4; i++) {
        const r = await c.stream({ service: 'svc', path: '/s' });
        expect(r.statusCode).toBe(200);
        await readText(r.body);
      }
      expect(bad.hits.length).toBeGreaterThan(0);
    });

    it('returns a 503 of a POST as is', async () => {
      const bad = await status(503);
      const { client: c } = client(new StaticSource().set('svc', [instance('bad', bad.port)]));
      const r = await c.stream({ service: 'svc', method: 'POST', path: '/s', body: 'x' });
      expect(r.statusCode).toBe(503);
      expect(JSON.parse(await readText(r.body))).toEqual({ error: 503 });
    });

    it('never retries a streamed body that may have been sent', async () => {
      const slow = await hang();
      const good = await ok();
      const { client: c } = client(new StaticSource().set('svc', [instance('slow', slow.port), instance('good', good.port)]));
      const error = await c
        .stream({ service: 'svc', method: 'PUT', path: '/s', body: Readable.from(['abc']), timeoutMs: 100 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteTimeoutError);
      expect(good.hits).toHaveLength(0);
    });

    it('retries a Buffer body whose first instance refused the connection', async () => {
      const good = await ok();
      const { client: c } = client(
        new StaticSource().set('svc', [instance('dead', await closedPort()), instance('good', good.port)]),
      );
      const r = await c.stream({ service: 'svc', method: 'POST', path: '/s', body: Buffer.from('abc') });
      expect(r.statusCode).toBe(200);
      expect(JSON.parse(await readText(r.body))).toMatchObject({ body: 'abc' });
    });

    it('does not replay a Readable body the transport already consumed or destroyed', async () => {
      const good = await ok();
      const { client: c } = client(
        new StaticSource().set('svc', [instance('dead', await closedPort()), instance('good', good.port)]),
      );
      // undici destroys a stream body when the connection fails, so it cannot be sent again.
      const error = await c
        .stream({ service: 'svc', method: 'POST', path: '/s', body: Readable.from(['abc']) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteUnavailableError);
      expect(good.hits).toHaveLength(0);
    });
  });
});
