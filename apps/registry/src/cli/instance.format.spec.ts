import { address, endpointCounts, endpoints, status } from './instance.format';
import { instance } from './test-support/instance.fixture';

describe('instance formatting', () => {
  it('brackets an IPv6 host', () => {
    expect(address(instance())).toBe('127.0.0.1:8081');
    expect(address(instance({ host: '::1' }))).toBe('[::1]:8081');
  });

  it('marks a drained instance', () => {
    expect(status(instance())).toBe('passing');
    expect(status(instance({ status: 'critical', enabled: false }))).toBe('critical, drained');
  });

  it('lists endpoints by name with their protocol when it is not their name, and their health', () => {
    const calc = instance({
      endpoints: { grpc: { port: 50051, protocol: 'grpc' }, admin: { port: 9464, protocol: 'http' } },
      endpointHealth: { admin: { status: 'critical' } },
    });
    expect(endpoints(calc)).toEqual(['admin:9464/http (critical)', 'grpc:50051 (passing)']);
    expect(endpoints(instance())).toEqual([]);
  });

  it('counts passing endpoints per name across instances', () => {
    const up = instance({ endpoints: { grpc: { port: 1, protocol: 'grpc' } } });
    const down = instance({ id: 'calc-2', endpoints: { grpc: { port: 2, protocol: 'grpc' }, admin: { port: 3, protocol: 'http' } }, endpointHealth: { grpc: { status: 'critical' } } });
    expect(endpointCounts([up, down])).toEqual(['admin 1/1 passing', 'grpc 1/2 passing']);
  });
});
