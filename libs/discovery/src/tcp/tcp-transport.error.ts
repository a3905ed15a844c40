/**
 * A fast-lane call that got no answer from its connection: refused, reset, closed, or a stream that was
 * not frames. `neverSent` says the request provably never reached the server (it was still waiting for the
 * connection, or the server refused it unprocessed while stopping), so even a non-idempotent call may be
 * retried elsewhere. The call adapter turns it into the public typed errors. @internal
 */
export class TcpTransportError extends Error {
  constructor(
    message: string,
    /** The socket's code (`ECONNREFUSED`, `ECONNRESET`, …), or `ECLOSED` / `EFRAME`. */
    readonly code: string,
    readonly neverSent: boolean,
  ) {
    super(message);
    this.name = 'TcpTransportError';
  }
}

/** No answer within the attempt's timeout. @internal */
export class TcpTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TcpTimeoutError';
  }
}

/** The caller's signal fired. @internal */
export class TcpCancelledError extends Error {
  readonly code = 'ECANCELLED';

  constructor() {
    super('cancelled by the caller');
    this.name = 'TcpCancelledError';
  }
}
