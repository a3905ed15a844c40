import { instance } from '../test-support/instance.fixture';
import { instancesTable } from './instances.command';

describe('instancesTable', () => {
  const now = Date.parse('2026-01-01T00:01:05.000Z');

  it('one row per instance by id, with its endpoints, weight, tags and heartbeat age', () => {
    const two = instance({ id: 'calc-2', port: 8082, weight: 5, tags: ['v2', 'canary'], enabled: false, endpoints: { grpc: { port: 50052, protocol: 'grpc' } } });
    const one = instance({ lastHeartbeat: '2026-01-01T00:01:00.000Z' });
    expect(instancesTable([two, one], 'calc', undefined, now).split('\n')).toEqual([
      'ID      ADDRESS         PROTOCOL  STATUS            ENDPOINTS             WEIGHT  TAGS       HEARTBEAT',
      'calc-1  127.0.0.1:8081  http      passing           -                          1  -          5s ago',
      'calc-2  127.0.0.1:8082  http      passing, drained  grpc:50052 (passing)       5  v2,canary  1m05s ago',
    ]);
  });

  it('says so when there is none, naming the tag asked for', () => {
    expect(instancesTable([], 'calc', undefined, now)).toBe('no instances of "calc"');
    expect(instancesTable([], 'calc', 'v3', now)).toBe('no instances of "calc" with tag "v3"');
  });
});
