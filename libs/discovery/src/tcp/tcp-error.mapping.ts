import { TCP_STATUS } from './tcp-frame';

/** What an error frame says: an HTTP status and a message. @internal */
export interface TcpFailure {
  readonly status: number;
  readonly message: string;
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599;
}

/**
 * The one mapping of a handler's failure to the wire: an error (or the object an exception filter emits)
 * carrying an HTTP status — `{ status, message }`, Nest's `HttpException` (`getStatus()`), an
 * `RpcException` whose error is such an object — keeps it; anything else is 500 with its message. @internal
 */
export function tcpFailureOf(error: unknown): TcpFailure {
  if (typeof error === 'object' && error !== null) {
    const candidate = error as { status?: unknown; statusCode?: unknown; message?: unknown; getStatus?: () => unknown; getError?: () => unknown };
    if (typeof candidate.getError === 'function') {
      const inner = candidate.getError();
      if (typeof inner === 'object' && inner !== null) return tcpFailureOf(inner);
      return { status: TCP_STATUS.internal, message: String(inner) };
    }
    const status = typeof candidate.getStatus === 'function' ? candidate.getStatus() : (candidate.status ?? candidate.statusCode);
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    return { status: isStatus(status) ? status : TCP_STATUS.internal, message };
  }
  return { status: TCP_STATUS.internal, message: String(error) };
}
