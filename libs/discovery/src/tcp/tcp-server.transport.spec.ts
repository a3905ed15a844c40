import { BadRequestException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { connect } from 'node:net';
import { of, throwError } from 'rxjs';
import { TcpCallContext } from './tcp-call.context';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import { TcpConnection } from './tcp-connection';
import { encodeFrame, FrameDecoder } from './tcp-frame.codec';
import { DiscoveryTcpServer } from './tcp-server.transport';
import { later, startTcpServer } from './test-support/tcp-fixtures';

describe('DiscoveryTcpServer (real sockets, handlers as Nest registers them)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const serve = async (handlers: Parameters<typeof startTcpServer>[0], options: Parameters<typeof startTcpServer>[1] = {}): Promise<DiscoveryTcpServer> => {
    const server = await startTcpServer(handlers, options);
    cleanups.push(() => server.close());
    return server;
  };
  const client = (server: DiscoveryTcpServer): TcpConnection => {
    const connection = new TcpConnection('127.0.0.1', server.port, () => undefined);
    cleanups.push(() => connection.close());
    return connection;
  };

  it('answers a value, a promise and an Observable’s last value', async () => {
    const server = await serve({ value: () => 1, promise: () => later(5, 2), observable: () => of(3, 4) });
    const c = client(server);
    expect((await c.call({ pattern: 'value' }, 5000)).d).toBe(1);
    expect((await c.call({ pattern: 'promise' }, 5000)).d).toBe(2);
    expect((await c.call({ pattern: 'observable' }, 5000)).d).toBe(4);
  });

  it('answers failures with an HTTP status: the exception’s, 404 for no handler, 500 for anything else', async () => {
    const server = await serve({
      bad: () => {
        throw new BadRequestException('b must not be zero');
      },
      filtered: () => throwError(() => ({ status: 400, message: 'from a filter' })),
      rpc: () => {
        throw new RpcException({ status: 409, message: 'conflict' });
      },
      boom: () => {
        throw new Error('boom');
      },
    });
    const c = client(server);
    expect(await c.call({ pattern: 'bad' }, 5000)).toMatchObject({ s: 400, m: 'b must not be zero' });
    expect(await c.call({ pattern: 'filtered' }, 5000)).toMatchObject({ s: 400, m: 'from a filter' });
    expect(await c.call({ pattern: 'rpc' }, 5000)).toMatchObject({ s: 409, m: 'conflict' });
    expect(await c.call({ pattern: 'boom' }, 5000)).toMatchObject({ s: 500, m: 'boom' });
    expect(await c.call({ pattern: 'nope' }, 5000)).toMatchObject({ s: 404, m: 'no handler for pattern nope' });
  });

  it('drops a call whose budget is spent on arrival (504, never run), and gives a live one its deadline', async () => {
    let ran = 0;
    let deadline: number | undefined;
    const server = await serve({
      work: (_data, ctx) => {
        ran++;
        deadline = (ctx as TcpCallContext).getDeadline();
        return 'done';
      },
    });
    const c = client(server);
    expect(await c.call({ pattern: 'work', budgetMs: 0 }, 5000)).toMatchObject({ s: 504 });
    expect(ran).toBe(0);
    const before = Date.now();
    expect((await c.call({ pattern: 'work', budgetMs: 1000 }, 5000)).d).toBe('done');
    expect(ran).toBe(1);
    expect(deadline).toBeGreaterThanOrEqual(before + 1000 - 50);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('runs the handler in the call log’s scope with the frame’s request id, and reports each finished call', async () => {
    const finished: Array<[string, string, number]> = [];
    const scoped: string[] = [];
    const server = await serve(
      { ok: (_d, ctx) => (ctx as TcpCallContext).getRequestId(), bad: () => Promise.reject(new BadRequestException('no')) },
      {
        callLog: {
          scope: (requestId, _deadline, handler) => (scoped.push(requestId), handler()),
          finished: (requestId, pattern, status) => finished.push([requestId, pattern, status]),
        },
      },
    );
    const c = client(server);
    expect((await c.call({ pattern: 'ok', requestId: 'r-1' }, 5000)).d).toBe('r-1');
    await c.call({ pattern: 'bad', requestId: 'r-2' }, 5000);
    expect(scoped).toEqual(['r-1', 'r-2']);
    expect(finished).toEqual([
      ['r-1', 'ok', 200],
      ['r-2', 'bad', 400],
    ]);
    // No id sent: one is made up, so the call line still has one.
    const made = (await c.call({ pattern: 'ok' }, 5000)).d;
    expect(typeof made).toBe('string');
  });

  it('stops gracefully: refuses new calls unprocessed, answers those in flight, then closes', async () => {
    let started = 0;
    const server = await startTcpServer({ slow: () => (started++, later(150, 'finished')) });
    const c = client(server);
    const inFlight = c.call({ pattern: 'slow' }, 5000);
    await later(30, undefined);
    expect(started).toBe(1);
    // A second client that has not seen the GOAWAY yet: its call arrives while the server stops.
    const late = client(server);
    await late.call({ pattern: 'nope' }, 5000); // connected
    const closed = server.close();
    expect(await late.call({ pattern: 'slow' }, 5000).catch((e: unknown) => e)).toMatchObject({ s: 503, n: 1 });
    expect(started).toBe(1);
    expect((await inFlight).d).toBe('finished');
    await closed;
    expect(server.callsInFlight).toBe(0);
    // No longer listening.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('connect', () => (socket.destroy(), resolve('connected')));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('stops waiting for a call in flight after closeTimeoutMs and drops its connection', async () => {
    const server = await startTcpServer({ stuck: () => new Promise(() => undefined) }, { closeTimeoutMs: 100 });
    const c = client(server);
    const call = c.call({ pattern: 'stuck' }, 5000).catch((e: unknown) => e);
    await later(20, undefined);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await call).toMatchObject({ neverSent: false });
  });

  it('applies backpressure: a peer that does not read its answers gets no more requests read until it does', async () => {
    let handled = 0;
    const big = 'x'.repeat(64 * 1024);
    const server = await serve({ big: () => (handled++, big) });
    const socket = connect(server.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause(); // reads nothing back
    const total = 2000; // 2000 answers of 64 KiB: far beyond what socket buffers hold
    socket.write(Buffer.concat(Array.from({ length: total }, (_, n) => encodeFrame({ i: n + 1, p: 'big' }))));
    // Wait until the server stops handling (no progress for 300 ms), bounded.
    let last = -1;
    await waitFor(
      async () => {
        const seen = handled;
        await later(300, undefined);
        const still = handled === seen && seen === last;
        last = handled;
        return still;
      },
      { timeoutMs: 15_000, message: 'the server to stop reading' },
    );
    expect(handled).toBeLessThan(total);
    // Reading again lets everything through.
    let answers = 0;
    const decoder = new FrameDecoder(() => answers++);
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.resume();
    await waitFor(() => answers === total, { timeoutMs: 15_000, message: 'every answer once the peer reads' });
    expect(handled).toBe(total);
  });

  it('drops a connection that sends something other than frames', async () => {
    const server = await serve({ ok: () => 1 });
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])));
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
    });
    expect(closed).toBe(true);
  });
});
