import { RequestContext } from '@nest-discovery/discovery';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Logger as PinoInstance } from 'pino';

/** What calc's request-id interceptor does with each gRPC call's id. */
export interface GrpcCallLog {
  /** Runs the method's handler with `requestId` as the current request. */
  scope<T>(requestId: string, deadline: number | undefined, handler: () => T): T;
  /** Reports a finished call (`path` like `/calc.Calculator/Add`). */
  finished(requestId: string, path: string, code: GrpcStatus, durationMs: number): void;
}

// The caller's mistakes, like HTTP 4xx: worth a line at info, not an error.
const CALLER_FAULTS = new Set<GrpcStatus>([
  GrpcStatus.CANCELLED,
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.ALREADY_EXISTS,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.UNAUTHENTICATED,
]);

/** Options of {@link pinoGrpcCallLog}. */
export interface GrpcCallLogOptions {
  /**
   * Run each handler with the call's id and deadline as the current request (so its lines carry `reqId` and
   * its calls send both on). Default true; false for a leaf service, whose handlers call no one: the
   * request context's promise hooks then stay off (see README, "Cost").
   */
  context?: boolean;
}

const noScope = <T>(_requestId: string, _deadline: number | undefined, handler: () => T): T => handler();

/**
 * The gRPC side's counterpart of the HTTP request log: the handler runs with the call's id as the
 * current request (so every line it logs carries `reqId`, and calls it makes send the id on), and each
 * finished call is one line — at `debug` when OK, `info` for the caller's mistakes, `error`
 * otherwise — like an HTTP request's.
 *
 * @param logger the app's pino instance (`PinoLogger.root`)
 */
export function pinoGrpcCallLog(logger: PinoInstance, options: GrpcCallLogOptions = {}): GrpcCallLog {
  return {
    scope:
      options.context === false
        ? noScope
        : (requestId, deadline, handler) => RequestContext.run(deadline === undefined ? { requestId } : { requestId, deadline }, handler),
    finished: (requestId, path, code, durationMs) => {
      const level = code === GrpcStatus.OK ? 'debug' : CALLER_FAULTS.has(code) ? 'info' : 'error';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { reqId: requestId, grpc: { method: path, code: GrpcStatus[code] }, responseTime: Math.round(durationMs) },
        code === GrpcStatus.OK ? 'gRPC call completed' : 'gRPC call failed',
      );
    },
  };
}
