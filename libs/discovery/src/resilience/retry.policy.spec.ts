import { status } from '@grpc/grpc-js';
import {
  grpcNeverSent,
  grpcStatusAsHttp,
  isFailureStatus,
  isIdempotent,
  isRetryableStatus,
  neverReachedServer,
  RetryBackoff,
} from './retry.policy';

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

  it('applies the same rules to gRPC status codes through their HTTP equivalents', () => {
    const retryable = (code: status) => isRetryableStatus(grpcStatusAsHttp(code));
    const failure = (code: status) => isFailureStatus(grpcStatusAsHttp(code));
    expect([status.UNAVAILABLE, status.DEADLINE_EXCEEDED].every(retryable)).toBe(true);
    expect([status.INTERNAL, status.UNKNOWN, status.INVALID_ARGUMENT, status.NOT_FOUND].some(retryable)).toBe(false);
    expect([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.UNKNOWN, status.DATA_LOSS].every(failure)).toBe(true);
    const callersFault = [status.INVALID_ARGUMENT, status.NOT_FOUND, status.PERMISSION_DENIED, status.UNAUTHENTICATED];
    expect([...callersFault, status.RESOURCE_EXHAUSTED, status.UNIMPLEMENTED, status.CANCELLED].some(failure)).toBe(false);
    expect(grpcStatusAsHttp(99)).toBe(500);
  });

  it('tells a gRPC call that never left (no connection) from one that may have', () => {
    expect(grpcNeverSent(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED')).toBe(true);
    expect(grpcNeverSent(status.UNAVAILABLE, 'Connection dropped')).toBe(false);
    expect(grpcNeverSent(status.INTERNAL, 'No connection established')).toBe(false);
    expect(grpcNeverSent(status.UNAVAILABLE, undefined)).toBe(false);
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
