import { createServer, request as httpRequest, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { InFlightRequests } from './in-flight-requests';

/** A server that holds every request until the test answers it. */
async function holdingServer(): Promise<{ server: Server; url: string; held: ServerResponse[] }> {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => held.push(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, held };
}

/** Sends a GET and resolves with its status, or with the error's code when the connection drops. */
function get(url: string): { done: Promise<number | string>; abort: () => void } {
  const req = httpRequest(url);
  const done = new Promise<number | string>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
  req.end();
  return { done, abort: () => req.destroy() };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('InFlightRequests', () => {
  let fixture: Awaited<ReturnType<typeof holdingServer>>;
  let tracker: InFlightRequests;
  beforeEach(async () => {
    fixture = await holdingServer();
    tracker = new InFlightRequests();
    tracker.track(fixture.server);
    tracker.track(fixture.server); // twice: still counted once
  });
  afterEach(async () => {
    fixture.server.closeAllConnections();
    await new Promise((resolve) => fixture.server.close(resolve));
  });

  it('is idle at once when nothing is in flight', async () => {
    expect(tracker.size).toBe(0);
    await expect(tracker.idle(10_000)).resolves.toBe(true);
  });

  it('counts requests until they are answered, and resolves idle when the last one is', async () => {
    const first = get(fixture.url);
    const second = get(fixture.url);
    await until(() => fixture.held.length === 2);
    expect(tracker.size).toBe(2);

    let idle: boolean | undefined;
    const waiting = tracker.idle(10_000).then((value) => (idle = value));
    fixture.held[0].end('one');
    expect(await first.done).toBe(200);
    expect(tracker.size).toBe(1);
    expect(idle).toBeUndefined();

    fixture.held[1].end('two');
    expect(await second.done).toBe(200);
    await waiting;
    expect(idle).toBe(true);
    expect(tracker.size).toBe(0);
  });

  it('stops counting a request whose client went away', async () => {
    const call = get(fixture.url);
    await until(() => fixture.held.length === 1);
    expect(tracker.size).toBe(1);
    call.abort();
    await call.done;
    await until(() => tracker.size === 0);
    await expect(tracker.idle(0)).resolves.toBe(true);
  });

  it('gives up after the timeout while a request is still in flight', async () => {
    get(fixture.url);
    await until(() => fixture.held.length === 1);
    const startedAt = Date.now();
    await expect(tracker.idle(50)).resolves.toBe(false);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
    expect(tracker.size).toBe(1);
  });
});
