import { Logger, LoggerService } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import { closedPort, config } from '../client/test-support/fixtures';
import { RegistrySession } from './registry-session';

/** One session request as the fake registry saw it. */
interface SessionRequest {
  readonly url: string;
  readonly authorization: string | undefined;
  /** Resolves when the client closed the connection. */
  readonly closed: Promise<void>;
  readonly res: ServerResponse;
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** A tiny registry on 127.0.0.1:0 that answers `GET /session/...` as `answer` says. */
async function fakeRegistry(answer: Answer): Promise<{ url: string; requests: SessionRequest[]; close(): Promise<void> }> {
  const requests: SessionRequest[] = [];
  const server: Server = createServer((req, res) => {
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization, closed, res });
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the lead's registry streams: the session line at once, then keep-alive newlines. */
const streamSession: Answer = (req, res) => {
  const id = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.write(`${JSON.stringify({ session: id, revision: 7 })}\n`);
  const keepAlive = setInterval(() => res.write('\n'), 50);
  res.once('close', () => clearInterval(keepAlive));
};

const notFound: Answer = (_req, res) => {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ statusCode: 404, message: 'Route GET /session/calc/calc-1 not found' }));
};

class LogSink implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (message: string): void => void this.lines.push({ level: 'log', message });
  warn = (message: string): void => void this.lines.push({ level: 'warn', message });
  error = (message: string): void => void this.lines.push({ level: 'error', message });
  debug = (): void => undefined;
  verbose = (): void => undefined;
}

describe('RegistrySession (a real streaming HTTP server)', () => {
  let logs: LogSink;
  const closers: Array<() => Promise<unknown>> = [];

  beforeEach(() => {
    logs = new LogSink();
    Logger.overrideLogger(logs);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    Logger.overrideLogger(false);
  });

  function session(urls: string[], token?: string): RegistrySession {
    const created = new RegistrySession(config({ urls, token }));
    closers.push(() => created.close());
    return created;
  }

  async function registry(answer: Answer): Promise<Awaited<ReturnType<typeof fakeRegistry>>> {
    const started = await fakeRegistry(answer);
    closers.push(() => started.close());
    return started;
  }

  it('opens GET /session/:name/:id with the token, and is open once the registry names the session', async () => {
    const fake = await registry(streamSession);
    const s = session([fake.url], 's3cret');
    s.open('calc', 'calc-1');
    await waitFor(() => s.openWith, { message: 'session open' });
    expect(s.openWith).toBe(fake.url);
    expect(fake.requests.map((r) => [r.url, r.authorization])).toEqual([['/session/calc/calc-1', 'Bearer s3cret']]);
    // Opening it again while it is open is a no-op.
    s.open('calc', 'calc-1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requests).toHaveLength(1);
    expect(logs.lines).toEqual([{ level: 'log', message: expect.stringContaining(`Session of calc-1 open at ${fake.url}`) }]);
  });

  it('closes the connection on close(), and does not reopen', async () => {
    const fake = await registry(streamSession);
    const s = session([fake.url]);
    s.open('calc', 'calc-1');
    await waitFor(() => s.openWith, { message: 'session open' });
    const startedAt = Date.now();
    await s.close();
    await fake.requests[0].closed;
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(s.openWith).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fake.requests).toHaveLength(1);
  });

  it('reopens with backoff when the registry ends the stream, logging the loss once', async () => {
    const fake = await registry(streamSession);
    const s = session([fake.url]);
    s.open('calc', 'calc-1');
    await waitFor(() => s.openWith, { message: 'session open' });
    const endedAt = Date.now();
    fake.requests[0].res.destroy();
    await waitFor(() => fake.requests.length === 2 && s.openWith, { timeoutMs: 10_000, message: 'session reopened' });
    // ~250 ms ±20%: soon, but not in a tight loop.
    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(150);
    expect(logs.lines.map((l) => l.level)).toEqual(['log', 'warn', 'log']);
    expect(logs.lines[1].message).toMatch(/Session of calc-1 lost/);
  });

  it('takes a 404 as "retry later": retries with growing delays, logging it once', async () => {
    const fake = await registry(notFound);
    const s = session([fake.url]);
    s.open('calc', 'calc-1');
    await waitFor(() => fake.requests.length >= 3, { timeoutMs: 10_000, message: 'three attempts' });
    expect(s.openWith).toBeUndefined();
    expect(logs.lines).toEqual([{ level: 'log', message: expect.stringMatching(/No session for calc-1 yet \(HTTP 404\)/) }]);
  });

  it('reopens at once when a registration succeeds while it waits to retry', async () => {
    let known = false;
    const fake = await registry((req, res) => (known ? streamSession(req, res) : notFound(req, res)));
    const s = session([fake.url]);
    s.open('calc', 'calc-1');
    // Past the third attempt the wait is 2 s or more.
    await waitFor(() => fake.requests.length >= 3, { timeoutMs: 10_000, message: 'three attempts' });
    known = true;
    const registeredAt = Date.now();
    s.open('calc', 'calc-1'); // what RegistrationService does after each successful renewal
    await waitFor(() => s.openWith, { timeoutMs: 10_000, message: 'session open' });
    // Sooner than the pending wait (2 s, less 20 % jitter) could have ended on its own.
    expect(Date.now() - registeredAt).toBeLessThan(1500);
  });

  it('fails over to the next registry URL when one does not answer', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const fake = await registry(streamSession);
    const s = session([dead, fake.url]);
    s.open('calc', 'calc-1');
    await waitFor(() => s.openWith, { timeoutMs: 10_000, message: 'session open on the second URL' });
    expect(s.openWith).toBe(fake.url);
    // The dead URL reported, then the session opened (on a starved machine the session may have cycled since).
    expect(logs.lines.slice(0, 2).map((l) => l.level)).toEqual(['warn', 'log']);
  });

  it('does not take a 200 that is not a session stream for one', async () => {
    const fake = await registry((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>a proxy page</html>\n');
    });
    const s = session([fake.url]);
    s.open('calc', 'calc-1');
    await waitFor(() => fake.requests.length >= 2, { timeoutMs: 10_000, message: 'retried' });
    expect(s.openWith).toBeUndefined();
    expect(logs.lines).toEqual([{ level: 'warn', message: expect.stringContaining('not a session stream') }]);
  });

  it('moves to the new id when the instance registered under another one', async () => {
    const fake = await registry(streamSession);
    const s = session([fake.url]);
    s.open('calc', 'calc-1');
    await waitFor(() => s.openWith, { message: 'first session open' });
    s.open('calc', 'calc-2');
    await fake.requests[0].closed;
    await waitFor(() => fake.requests.length === 2 && s.openWith, { message: 'second session open' });
    expect(fake.requests[1].url).toBe('/session/calc/calc-2');
  });
});
