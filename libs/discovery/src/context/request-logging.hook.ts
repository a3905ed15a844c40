import type { FastifyInstance } from 'fastify';
import type { Logger as PinoInstance } from 'pino';
import { isProbePath } from './probe-paths';

/**
 * One line per finished request of a Fastify app: `request completed` with `reqId` (Fastify's
 * `request.id`), `req: { method, url }`, `res: { statusCode }` and `responseTime` (ms) — at `debug`
 * for 1xx–3xx, `info` for 4xx, `error` for 5xx. At the default level `info` only what went wrong is
 * written, so thousands of requests a second cost one level check each. `/health` and `/metrics`
 * are never logged. No header is logged, so no `Authorization` token or cookie reaches a log.
 *
 * @example useRequestLogging(adapter.getInstance(), PinoLogger.root)
 */
export function useRequestLogging(fastify: FastifyInstance, logger: PinoInstance): void {
  // A callback hook: no promise per request.
  fastify.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'info' : 'debug';
    if (logger.isLevelEnabled(level) && !isProbePath(request.url)) {
      logger[level](
        {
          reqId: request.id,
          req: { method: request.method, url: request.url },
          res: { statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}
