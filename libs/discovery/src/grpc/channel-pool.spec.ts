import { connectivityState } from '@grpc/grpc-js';
import { grpcAddressOf, GrpcChannelPool } from './channel-pool';
import { grpcInstance } from './test-support/grpc-fixtures';

describe('GrpcChannelPool', () => {
  it('keeps one channel per address, shared by ids at that address', () => {
    const pool = new GrpcChannelPool();
    const a = pool.get(grpcInstance('a', 50051));
    expect(pool.get(grpcInstance('a', 50051))).toBe(a);
    expect(pool.get(grpcInstance('a-again', 50051))).toBe(a);
    expect(pool.get(grpcInstance('b', 50052))).not.toBe(a);
    expect(pool.size).toBe(2);
    pool.close();
  });

  it('closes the channel of a released instance, and every channel on close', () => {
    const pool = new GrpcChannelPool();
    const a = grpcInstance('a', 50051);
    const channel = pool.get(a);
    const other = pool.get(grpcInstance('b', 50052));
    pool.release(a);
    expect(pool.has(a)).toBe(false);
    expect(channel.getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
    expect(other.getConnectivityState(false)).not.toBe(connectivityState.SHUTDOWN);
    pool.release(a); // twice is harmless
    pool.close();
    expect(pool.size).toBe(0);
    expect(other.getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
  });

  it('brackets IPv6 hosts', () => {
    expect(grpcAddressOf(grpcInstance('a', 7, { host: '::1' }))).toBe('[::1]:7');
    expect(grpcAddressOf(grpcInstance('a', 7, { host: 'calc.internal' }))).toBe('calc.internal:7');
  });
});
