import { describeChange } from './change.format';
import { diffServices } from './state.diff';
import { instance } from './test-support/instance.fixture';

describe('diffServices', () => {
  it('finds added, updated and removed instances; a renewal alone is no change', () => {
    const one = instance({ id: 'calc-1' });
    const two = instance({ id: 'calc-2', port: 8082 });
    const renewed = { ...one, lastHeartbeat: '2026-01-01T00:00:10.000Z' };
    const reweighed = { ...two, weight: 9 };
    const three = instance({ id: 'calc-3', port: 8083, tags: ['v2'] });
    const changes = diffServices({ calc: [one, two] }, { calc: [renewed, reweighed, three] });
    expect(changes).toEqual([
      { change: 'updated', instance: reweighed, fields: [{ field: 'weight', from: 1, to: 9 }] },
      { change: 'added', instance: three },
    ]);
    expect(diffServices({ calc: [one, two] }, { calc: [two] })).toEqual([{ change: 'removed', instance: one }]);
  });

  it('tells an endpoint change per endpoint and field, not as the whole map', () => {
    const before = instance({ endpoints: { grpc: { port: 50051, protocol: 'grpc' } } });
    const after = instance({ endpoints: { grpc: { port: 50051, protocol: 'grpc' } }, endpointHealth: { grpc: { status: 'critical' } } });
    expect(diffServices({ calc: [before] }, { calc: [after] })[0]).toMatchObject({
      fields: [{ field: 'endpointHealth.grpc.status', from: undefined, to: 'critical' }],
    });
    const healed = instance({ ...after, endpointHealth: { grpc: { status: 'passing' } } });
    expect(diffServices({ calc: [after] }, { calc: [healed] })[0]).toMatchObject({
      fields: [{ field: 'endpointHealth.grpc.status', from: 'critical', to: 'passing' }],
    });
  });
});

describe('describeChange', () => {
  it('prints + with address, protocol, endpoints and tags; - with the address; ~ with each field', () => {
    const added = instance({ id: 'calc-3', tags: ['v2', 'canary'], endpoints: { grpc: { port: 50051, protocol: 'grpc' } } });
    expect(describeChange({ change: 'added', instance: added })).toBe('+ calc calc-3 127.0.0.1:8081 http grpc:50051 (passing) [v2,canary]');
    expect(describeChange({ change: 'removed', instance: instance() })).toBe('- calc calc-1 127.0.0.1:8081');
    const fields = [
      { field: 'weight', from: 5, to: 9 },
      { field: 'endpointHealth.grpc.status', from: undefined, to: 'critical' },
      { field: 'metadata', from: {}, to: { zone: 'a' } },
    ];
    expect(describeChange({ change: 'updated', instance: instance(), fields })).toBe(
      '~ calc calc-1 weight 5 → 9, endpointHealth.grpc.status - → "critical", metadata {} → {"zone":"a"}',
    );
  });
});
