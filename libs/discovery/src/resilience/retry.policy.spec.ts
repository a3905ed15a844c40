import { isFailureStatus, isIdempotent, isRetryableStatus, neverReachedServer, RetryBackoff } from './retry.policy';

describe('retry policy', () => {
  it('knows idempotent methods', () => {
    expect(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].every(isIdempotent)).toBe(true);
    expect(isIdempotent('POST')).toBe(false);
    expect(isIdempotent('PATCH')).toBe(false);
  });

  it('retries 502/503/504 only; counts 500 as a failure but never 4xx', () => {
    expect([502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect(isRetryableStatus(500)).toBe(false);
    expect(isFailureStatus(500)).toBe(true);
    expect(isFailureStatus(404)).toBe(false);
    expect(isFailureStatus(429)).toBe(false);
    expect(isFailureStatus(501)).toBe(false);
  });

  it('tells "never sent" from "maybe sent"', () => {
    expect(neverReachedServer(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(neverReachedServer(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }))).toBe(true);
    expect(neverReachedServer(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
    expect(neverReachedServer(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }))).toBe(false);
    expect(neverReachedServer(new Error('x'))).toBe(false);
    expect(neverReachedServer(undefined)).toBe(false);
  });

  it('backs off briefly with jitter, capped', async () => {
    const backoff = new RetryBackoff(5);
    const started = Date.now();
    let b = await backoff.wait(undefined);
    b = await backoff.wait(b);
    b = await backoff.wait(b);
    expect(b!.duration).toBeLessThanOrEqual(40);
    expect(Date.now() - started).toBeLessThan(500);
    expect(await new RetryBackoff(0).wait(undefined)).toBeUndefined();
  });
});
