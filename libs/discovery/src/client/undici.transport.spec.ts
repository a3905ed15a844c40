import { instance, startServer, TestServer } from './test-support/fixtures';
import { UndiciTransport } from './undici.transport';

describe('UndiciTransport.sendBuffered', () => {
  let server: TestServer;
  let transport: UndiciTransport;
  let served = 0;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      served++;
      if (req.url === '/split') {
        // "é" is two bytes in UTF-8: the first chunk ends halfway through it.
        const bytes = Buffer.from('{"word":"café"}', 'utf8');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(bytes.subarray(0, 13));
        setTimeout(() => res.end(bytes.subarray(13)), 20);
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

  it('reads a body that arrives in pieces, decoding a character split between them', async () => {
    const answer = await transport.sendBuffered(instance('a', server.port), { method: 'GET', path: '/split', timeoutMs: 2000 });
    expect(answer).toEqual({ statusCode: 200, contentType: 'application/json', text: '{"word":"café"}' });
  });

  it('answers an empty body as empty text', async () => {
    const answer = await transport.sendBuffered(instance('a', server.port), { method: 'GET', path: '/none', timeoutMs: 2000 });
    expect(answer).toEqual({ statusCode: 204, contentType: undefined, text: '' });
  });

  it('sends nothing for a signal already aborted, and fails with its reason', async () => {
    const before = served;
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(transport.sendBuffered(instance('a', server.port), { method: 'GET', path: '/none', timeoutMs: 2000 }, controller.signal)).rejects.toThrow('caller gave up');
    expect(served).toBe(before);
  });

  it('aborts a request in flight when the signal fires', async () => {
    const controller = new AbortController();
    const pending = transport.sendBuffered(instance('a', server.port), { method: 'GET', path: '/split', timeoutMs: 2000 }, controller.signal);
    setTimeout(() => controller.abort(new Error('hedge won')), 5);
    await expect(pending).rejects.toThrow('hedge won');
  });
});
