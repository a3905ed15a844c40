import { InstanceRegistration } from '../registry/instance.entity';
import { instanceBody, instanceJson, parseInstances } from './instance.json';

const registration: InstanceRegistration = {
  name: 'calc',
  host: '10.0.0.1',
  port: 8080,
  protocol: 'http',
  tags: ['b', 'a'],
  metadata: { zone: 'x', app: 'y' },
  weight: 2,
  ttlSeconds: 15,
};

describe('instance JSON of the remote stores', () => {
  it('is canonical: equal fields give equal bodies whatever the metadata order; tag order counts', () => {
    const body = instanceBody('calc-1', registration);
    expect(instanceBody('calc-1', { ...registration, metadata: { app: 'y', zone: 'x' } })).toBe(body);
    expect(instanceBody('calc-1', { ...registration, tags: ['a', 'b'] })).not.toBe(body);
    expect(body.startsWith('{"id":"calc-1","name":"calc",')).toBe(true);
    expect(body.endsWith('"status":"passing",')).toBe(true);
  });

  it('parses back into the instance the API returns', () => {
    const json = instanceJson(instanceBody('calc-1', registration), '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:05.000Z');
    expect(parseInstances([json, json])).toEqual([
      {
        id: 'calc-1',
        ...registration,
        tags: ['b', 'a'],
        metadata: { app: 'y', zone: 'x' },
        status: 'passing',
        registeredAt: '2025-01-01T00:00:00.000Z',
        lastHeartbeat: '2025-01-01T00:00:05.000Z',
      },
      expect.objectContaining({ id: 'calc-1' }),
    ]);
    expect(parseInstances([])).toEqual([]);
  });
});
