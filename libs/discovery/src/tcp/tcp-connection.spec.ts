import { Socket } from 'node:net';
import { DiscoveryTcpServer } from './tcp-server.transport';
import { TcpConnection } from './tcp-connection';
import { encodeFrame, FrameDecoder } from './tcp-frame.codec';
import { TcpCancelledError, TcpTimeoutError, TcpTransportError } from './tcp-transport.error';
import { later, refusedPort, startRawServer, startTcpServer } from './test-support/tcp-fixtures';

/** Client multiplexing against a real fast-lane server and against raw sockets that misbehave on purpose. */
describe('TcpConnection (one multiplexed connection, real sockets)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const open = (port: number): TcpConnection => {
    const connection = new TcpConnection('127.0.0.1', port, () => undefined);
    cleanups.push(() => connection.close());
    return connection;
  };
  const server = async (handlers: Parameters<typeof startTcpServer>[0]): Promise<DiscoveryTcpServer> => {
    const s = await startTcpServer(handlers);
    cleanups.push(() => s.close());
    return s;
  };

  it('carries many calls at once on one socket, each answer to its own caller though they come back out of order', async () => {
    let sockets = 0;
    const s = await server({ echo: (data) => later(Math.floor(Math.random() * 20), data) });
    s.on('connection', () => sockets++);
    const connection = open(s.port);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => connection.call({ pattern: 'echo', data: { n } }, 5000)));
    expect(answers.map((a) => (a.d as { n: number }).n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(sockets).toBe(1);
    expect(connection.inFlight).toBe(0);
  });

  it('queues the calls made while it connects and sends them once it is up', async () => {
    const s = await server({ add: (data) => (data as { a: number }).a + 1 });
    const connection = open(s.port);
    // Nothing is connected yet: all three wait for the socket.
    const answers = await Promise.all([1, 2, 3].map((a) => connection.call({ pattern: 'add', data: { a } }, 5000)));
    expect(answers.map((a) => a.d)).toEqual([2, 3, 4]);
  });

  it('fails calls to a refused port as never sent (any call may go elsewhere)', async () => {
    const connection = open(await refusedPort());
    const error = await connection.call({ pattern: 'add', data: {} }, 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TcpTransportError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', neverSent: true });
    expect(connection.usable).toBe(false);
  });

  it('fails a call written before the connection was lost as maybe sent (only idempotent calls retry)', async () => {
    // Reads the first frame, then resets the connection without answering.
    const raw = await startRawServer((socket: Socket) => socket.once('data', () => socket.resetAndDestroy()));
    cleanups.push(() => raw.close());
    const connection = open(raw.port);
    await new Promise((resolve) => setImmediate(resolve));
    const error = await connection.call({ pattern: 'add', data: {} }, 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TcpTransportError);
    expect(error).toMatchObject({ neverSent: false });
  });

  it('times a call out, forgets it, and keeps serving the others; a late answer is dropped', async () => {
    const s = await server({ slow: () => later(300, 'late'), fast: () => 'fast' });
    const connection = open(s.port);
    const slow = connection.call({ pattern: 'slow' }, 50).catch((e: unknown) => e);
    expect(await slow).toBeInstanceOf(TcpTimeoutError);
    expect(connection.inFlight).toBe(0);
    expect((await connection.call({ pattern: 'fast' }, 5000)).d).toBe('fast');
    await later(300, undefined); // the late answer arrives and is dropped without harm
    expect((await connection.call({ pattern: 'fast' }, 5000)).d).toBe('fast');
  });

  it('cancels a call when its signal fires', async () => {
    const s = await server({ slow: () => later(200, 'late') });
    const connection = open(s.port);
    const controller = new AbortController();
    const call = connection.call({ pattern: 'slow' }, 5000, controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(await call).toBeInstanceOf(TcpCancelledError);
    expect(connection.inFlight).toBe(0);
  });

  it('sends the budget, the request id and trace headers in the frame', async () => {
    const frames: unknown[] = [];
    const raw = await startRawServer((socket) => {
      const decoder = new FrameDecoder((frame) => {
        frames.push(frame);
        socket.write(encodeFrame({ i: (frame as { i: number }).i, d: 'ok' }));
      });
      socket.on('data', (chunk) => decoder.push(chunk));
    });
    cleanups.push(() => raw.close());
    const connection = open(raw.port);
    await connection.call({ pattern: 'p', data: 1, budgetMs: 250, requestId: 'req-1', headers: { traceparent: 'x' } }, 5000);
    await connection.call({ pattern: 'p' }, 5000);
    expect(frames).toEqual([{ i: 1, p: 'p', d: 1, t: 250, r: 'req-1', h: { traceparent: 'x' } }, { i: 2, p: 'p' }]);
  });

  it('on GOAWAY takes no new call, still gets the answers in flight, then closes its side', async () => {
    const s = await server({ slow: () => later(100, 'done') });
    const gone: TcpConnection[] = [];
    const connection = new TcpConnection('127.0.0.1', s.port, (c) => gone.push(c));
    cleanups.push(() => connection.close());
    const inFlight = connection.call({ pattern: 'slow' }, 5000);
    await later(30, undefined);
    const closing = s.close();
    await expect(inFlight).resolves.toMatchObject({ d: 'done' });
    expect(connection.usable).toBe(false);
    expect(gone).toContain(connection);
    await expect(connection.call({ pattern: 'slow' }, 5000)).rejects.toMatchObject({ code: 'ECLOSED', neverSent: true });
    await closing;
  });
});
