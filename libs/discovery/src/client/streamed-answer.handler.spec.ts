import { once } from 'node:events';
import { Readable } from 'node:stream';
import { ShortAnswer } from './short-answer';
import { instance, startServer, TestServer } from './test-support/fixtures';
import { UndiciTransport } from './undici.transport';

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('UndiciTransport.send with bufferUpToBytes (StreamedAnswerHandler)', () => {
  let server: TestServer;
  let transport: UndiciTransport;
  let served = 0;
  /** Bytes the /big answer managed to write before the client stopped reading (backpressure). */
  let bigWritten = 0;
  let bigClosed: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    server = await startServer((req, res) => {
      served++;
      if (req.url === '/short') {
        const bytes = Buffer.from('{"sum":3,"word":"café"}', 'utf8');
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length, 'x-upstream': 'yes' });
        // In two pieces, split inside the two-byte "é".
        res.write(bytes.subarray(0, 21));
        setTimeout(() => res.end(bytes.subarray(21)), 10);
        return;
      }
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('one,');
        setTimeout(() => res.end('two'), 10);
        return;
      }
      if (req.url === '/long') {
        res.writeHead(200, { 'content-length': 300 });
        res.end('x'.repeat(300));
        return;
      }
      if (req.url === '/big') {
        // 64 MiB of known length, written as fast as the socket takes it.
        const chunk = Buffer.alloc(64 * 1024, 'y');
        res.writeHead(200, { 'content-length': 1024 * chunk.length });
        bigWritten = 0;
        bigClosed = once(res, 'close');
        const pump = (): void => {
          while (bigWritten < 1024 * chunk.length) {
            bigWritten += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      if (req.url === '/cut') {
        // Announces 100 bytes, sends 10, then the connection breaks.
        res.writeHead(200, { 'content-length': 100 });
        res.write('0123456789');
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200, { 'content-length': 2 }).end('ok'), 500);
        return;
      }
      res.writeHead(204).end();
    });
    transport = new UndiciTransport();
  });

  afterAll(async () => {
    await transport.close();
    await server.close();
  });

  const send = (path: string, bufferUpToBytes: number | null = 100, signal?: AbortSignal) =>
    transport.send(instance('a', server.port), { method: 'GET', path, timeoutMs: 2000, bufferUpToBytes: bufferUpToBytes ?? undefined }, signal);

  it('reads a short answer of known length whole: bytes, headers, and a body stream of the same bytes only when asked', async () => {
    const answer = await send('/short');
    expect(answer).toBeInstanceOf(ShortAnswer);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-upstream']).toBe('yes');
    expect(answer.bytes!.toString('utf8')).toBe('{"sum":3,"word":"café"}');
    expect(await readAll(answer.body)).toBe('{"sum":3,"word":"café"}');
  });

  it('streams an answer longer than the limit, and one of unknown length, as they come', async () => {
    const long = await send('/long');
    expect(long.bytes).toBeUndefined();
    expect(await readAll(long.body)).toBe('x'.repeat(300));
    const chunked = await send('/chunked');
    expect(chunked.bytes).toBeUndefined();
    expect(chunked.headers['content-type']).toBe('text/plain');
    expect(await readAll(chunked.body)).toBe('one,two');
  });

  it('streams everything when no limit is given (pool.request, as before)', async () => {
    const answer = await send('/short', null);
    expect(answer.bytes).toBeUndefined();
    expect(await readAll(answer.body)).toBe('{"sum":3,"word":"café"}');
  });

  it('holds a streamed body back while nobody reads it, and stops the transfer when it is destroyed', async () => {
    const answer = await send('/big');
    // Not read: the server can only fill the socket buffers, not send 64 MiB.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bigWritten).toBeLessThan(16 * 1024 * 1024);
    answer.body.destroy();
    await bigClosed;
    expect(bigWritten).toBeLessThan(64 * 1024 * 1024);
  });

  it('fails the call, rather than cutting an answer, when a short answer breaks off mid-body', async () => {
    await expect(send('/cut')).rejects.toMatchObject({ code: expect.stringMatching(/^UND_ERR/) });
  });

  it('fails with the reason of a signal that fires while the answer is awaited, and sends nothing for one already aborted', async () => {
    const controller = new AbortController();
    const pending = send('/slow', 100, controller.signal);
    setTimeout(() => controller.abort(new Error('hedge won')), 20);
    await expect(pending).rejects.toThrow('hedge won');
    const before = served;
    await expect(send('/short', 100, AbortSignal.abort(new Error('caller gave up')))).rejects.toThrow('caller gave up');
    expect(served).toBe(before);
  });

  it('answers a body-less status with empty bytes', async () => {
    const answer = await send('/none');
    expect(answer.statusCode).toBe(204);
    expect(answer.bytes === undefined ? await readAll(answer.body) : answer.bytes.length).toBeFalsy();
  });
});
