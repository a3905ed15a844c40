import { fastify, FastifyInstance } from 'fastify';
import { request } from 'undici';
import { LogLevelName } from './log-settings';
import { loggerParams } from './logger.params';
import { useRequestContext } from './request-context.hook';
import { genRequestId } from './request-id';
import { useRequestLogging } from './request-logging.hook';
import { logSink, rootLogger, LogLine } from './test-support/log-sink';

/** A real Fastify server on a free port, logging its requests at `level` into `lines`. */
async function serverLoggingAt(level: LogLevelName): Promise<{ url: string; lines: LogLine[]; app: FastifyInstance }> {
  const sink = logSink();
  const log = rootLogger(loggerParams('svc', { level, format: 'json' }), sink.stream);
  const app = fastify({ genReqId: genRequestId });
  useRequestContext(app);
  useRequestLogging(app, log);
  app.all('/*', async (req, reply) => {
    const status = Number((req.query as { status?: string }).status ?? 200);
    log.info('handling');
    return reply.status(status).send({ ok: status < 400 });
  });
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), lines: sink.lines, app };
}

describe('useRequestLogging (a real Fastify server)', () => {
  const get = async (url: string, headers: Record<string, string> = {}) => (await request(url, { headers })).body.dump();
  let server: Awaited<ReturnType<typeof serverLoggingAt>>;
  afterEach(() => server.app.close());
  const completed = () => server.lines.filter((line) => line.msg === 'request completed');

  it('writes no line for a successful request at the default level; 4xx at info, 5xx at error', async () => {
    server = await serverLoggingAt('info');
    await get(`${server.url}/ok`, { 'x-request-id': 'quiet-1' });
    await get(`${server.url}/missing?status=404`, { 'x-request-id': 'client-1' });
    await get(`${server.url}/boom?status=503`, { 'x-request-id': 'server-1' });
    expect(completed().map((line) => [line.level, line.reqId, (line.res as { statusCode: number }).statusCode])).toEqual([
      ['info', 'client-1', 404],
      ['error', 'server-1', 503],
    ]);
  });

  it('writes every request at debug, with reqId, method, url, status and time — never a header', async () => {
    server = await serverLoggingAt('debug');
    await get(`${server.url}/add/1/2?x=1`, { 'x-request-id': 'req-42', authorization: 'Bearer secret-token', cookie: 'c=1' });
    await get(`${server.url}/no-id`);
    const [first, second] = completed();
    expect(first).toEqual({
      level: 'debug',
      time: expect.any(String),
      pid: process.pid,
      hostname: expect.any(String),
      name: 'svc',
      reqId: 'req-42',
      req: { method: 'GET', url: '/add/1/2?x=1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
    expect(second.reqId).toMatch(/^[0-9a-f-]{36}$/);
    // The handler's own line carries the same id, through the request context.
    expect(server.lines.filter((line) => line.msg === 'handling').map((line) => line.reqId)).toEqual(['req-42', second.reqId]);
    expect(JSON.stringify(server.lines)).not.toMatch(/secret-token|cookie|authorization/i);
  });

  it('never logs /health or /metrics, even at debug or failing', async () => {
    server = await serverLoggingAt('debug');
    await get(`${server.url}/health`);
    await get(`${server.url}/metrics?x=1`);
    await get(`${server.url}/health?status=503`);
    await get(`${server.url}/healthy`);
    expect(completed().map((line) => (line.req as { url: string }).url)).toEqual(['/healthy']);
  });
});
