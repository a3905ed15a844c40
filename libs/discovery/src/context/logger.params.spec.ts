import { loggerParams } from './logger.params';
import { RequestContext } from './request-context';
import { logSink, rootLogger } from './test-support/log-sink';

describe('loggerParams', () => {
  const logger = () => {
    const sink = logSink();
    return { sink, log: rootLogger(loggerParams('svc', { level: 'info', format: 'json' }), sink.stream) };
  };

  it('writes one JSON object per line: level label, ISO time, the service name, the message', () => {
    const { sink, log } = logger();
    log.info({ context: 'Test' }, 'hello');
    expect(sink.lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        pid: process.pid,
        hostname: expect.any(String),
        name: 'svc',
        context: 'Test',
        msg: 'hello',
      },
    ]);
  });

  it("adds the current request's id to every line logged while it is handled, and only then", async () => {
    const { sink, log } = logger();
    log.info('before');
    await RequestContext.run({ requestId: 'req-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      log.warn('inside');
      log.info({ reqId: 'explicit' }, 'an explicit one wins');
    });
    log.info('after');
    expect(sink.lines.map((line) => [line.msg, line.reqId])).toEqual([
      ['before', undefined],
      ['inside', 'req-1'],
      ['an explicit one wins', 'explicit'],
      ['after', undefined],
    ]);
    expect(JSON.stringify(sink.lines).match(/reqId/g)).toHaveLength(2);
  });

  it('leaves request logging to the Fastify hook: no pino-http middleware, pino-pretty only when pretty', () => {
    expect(loggerParams('svc', { level: 'info', format: 'json' }).forRoutes).toEqual([]);
    expect(loggerParams('svc', { level: 'info', format: 'pretty' }).pinoHttp).toMatchObject({ transport: { target: 'pino-pretty' } });
    expect(loggerParams('svc', { level: 'info', format: 'json' }).pinoHttp).not.toHaveProperty('transport');
  });
});
