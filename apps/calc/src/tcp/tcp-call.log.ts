import { RequestContext, TcpCallLog } from '@nest-discovery/discovery';
import type { Logger as PinoInstance } from 'pino';

/** Options of {@link pinoTcpCallLog}. */
export interface TcpCallLogOptions {
  /** Run each handler in the request context (see pinoGrpcCallLog): false for a leaf service. Default true. */
  context?: boolean;
}

/**
 * The fast lane's counterpart of the HTTP request log: one line per finished call carrying the caller's
 * request id as `reqId` — `debug` when answered, `info` for the caller's mistakes (4xx), `error` otherwise.
 */
export function pinoTcpCallLog(logger: PinoInstance, options: TcpCallLogOptions = {}): TcpCallLog {
  return {
    scope:
      options.context === false
        ? (_requestId, _deadline, handler) => handler()
        : (requestId, deadline, handler) => RequestContext.run(deadline === undefined ? { requestId } : { requestId, deadline }, handler),
    finished: (requestId, pattern, status, durationMs) => {
      const level = status < 400 ? 'debug' : status < 500 ? 'info' : 'error';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { reqId: requestId, tcp: { pattern, status }, responseTime: Math.round(durationMs) },
        status < 400 ? 'TCP call completed' : 'TCP call failed',
      );
    },
  };
}
