import { AttemptOptions } from '../call/call-adapter.interface';
import { instance } from '../client/test-support/fixtures';
import { RemoteTcpError } from '../errors/remote-tcp.error';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { TcpCallAdapter } from './tcp-call.adapter';
import { TcpConnectionPool } from './tcp-connection.pool';
import { TcpCancelledError, TcpTimeoutError, TcpTransportError } from './tcp-transport.error';

/** How the fast lane's adapter classifies what an attempt came to: the rules the pipeline retries and ejects by. */
describe('TcpCallAdapter classification', () => {
  const at = instance('a', 4201);
  const options: AttemptOptions = { timeoutMs: 1000, deadline: Infinity, attempt: 0 };
  const adapter = new TcpCallAdapter(new TcpConnectionPool(1), 'calc', 'div', { a: 1, b: 0 }, 'req-1');

  it('an answer ends the call, healthy', () => {
    expect(adapter.classify({ i: 1, d: { result: 2 } }, at)).toMatchObject({ answered: true, value: { result: 2 }, healthy: true, outcome: 'success' });
  });

  it('a 4xx is the caller’s: not retried, says nothing against the instance', () => {
    const result = adapter.classify({ i: 1, s: 400, m: 'b must not be zero' }, at);
    expect(result).toMatchObject({ answered: false, healthy: true, retryable: false, neverSent: false, outcome: 'client_error' });
    expect(result.error).toBeInstanceOf(RemoteTcpError);
    expect(result.error).toMatchObject({ status: 400, httpStatus: 400, pattern: 'div', details: 'b must not be zero' });
  });

  it('503 and 504 are retryable failures of the instance; 500 a failure not retried', () => {
    expect(adapter.classify({ i: 1, s: 503, m: 'x' }, at)).toMatchObject({ healthy: false, retryable: true, outcome: 'server_error' });
    expect(adapter.classify({ i: 1, s: 504, m: 'x' }, at)).toMatchObject({ healthy: false, retryable: true });
    expect(adapter.classify({ i: 1, s: 500, m: 'x' }, at)).toMatchObject({ healthy: false, retryable: false });
    expect((adapter.classify({ i: 1, s: 500, m: 'x' }, at).error as RemoteTcpError).httpStatus).toBe(502);
  });

  it('a call a stopping server refused unprocessed is never sent, and says nothing about the instance', () => {
    expect(adapter.classify({ i: 1, s: 503, m: 'stopping', n: 1 }, at)).toMatchObject({ healthy: undefined, retryable: true, neverSent: true });
  });

  it('a refused connection is never sent; a lost one after writing is retryable for idempotent calls only', () => {
    const refused = adapter.classifyError(new TcpTransportError('refused', 'ECONNREFUSED', true), at, options);
    expect(refused).toMatchObject({ healthy: false, retryable: true, neverSent: true, outcome: 'unavailable' });
    expect(refused.error).toBeInstanceOf(RemoteUnavailableError);
    const reset = adapter.classifyError(new TcpTransportError('reset', 'ECONNRESET', false), at, options);
    expect(reset).toMatchObject({ healthy: false, retryable: true, neverSent: false });
  });

  it('a timeout is RemoteTimeoutError against the instance; a cancel or unencodable data end the call', () => {
    const timeout = adapter.classifyError(new TcpTimeoutError(1000), at, options);
    expect(timeout.error).toBeInstanceOf(RemoteTimeoutError);
    expect(timeout).toMatchObject({ healthy: false, retryable: true, outcome: 'timeout' });
    expect(adapter.classifyError(new TcpCancelledError(), at, options)).toMatchObject({ cancelled: true, healthy: undefined, outcome: 'cancelled' });
    expect(adapter.classifyError(new TcpTransportError('cycle', 'EENCODE', true), at, options)).toMatchObject({
      cancelled: true,
      healthy: undefined,
      outcome: 'client_error',
    });
  });
});
