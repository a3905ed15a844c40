import { RegistryInstance } from '../registry/instance.entity';
import { AGENT_HELD_TTL_SECONDS } from './consul.constants';
import { catalogEntry, isPassing, serviceEntry } from './consul.shapes';

const base: RegistryInstance = {
  id: 'web-1',
  name: 'web',
  host: '127.0.0.2',
  port: 8080,
  protocol: 'http',
  tags: ['v2'],
  metadata: { zone: 'a' },
  weight: 2,
  ttlSeconds: AGENT_HELD_TTL_SECONDS,
  status: 'passing',
  enabled: true,
  registeredAt: '2026-01-01T00:00:00.000Z',
  lastHeartbeat: '2026-01-01T00:00:00.000Z',
};
const context = { datacenter: 'dc1', index: 42 };
const checkIds = (instance: RegistryInstance): string[] => serviceEntry(instance, context).Checks.map((check) => `${check.CheckID}=${check.Status}`);

describe('Consul shapes', () => {
  it("puts the instance on its host's node, with Consul's field names", () => {
    const entry = serviceEntry(base, context);
    expect(entry.Node).toMatchObject({ Node: '127.0.0.2', Address: '127.0.0.2', Datacenter: 'dc1', ModifyIndex: 42 });
    expect(entry.Node.ID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(entry.Service).toMatchObject({ ID: 'web-1', Service: 'web', Tags: ['v2'], Meta: { zone: 'a' }, Address: '127.0.0.2', Port: 8080, Weights: { Passing: 2, Warning: 1 } });
    expect(catalogEntry(base, context)).toMatchObject({ Node: '127.0.0.2', ServiceID: 'web-1', ServiceName: 'web', ServicePort: 8080, ServiceAddress: '127.0.0.2' });
  });

  it('lists the node check, the service check (active, TTL or none) and maintenance for a drained instance', () => {
    expect(checkIds(base)).toEqual(['serfHealth=passing']);
    expect(checkIds({ ...base, ttlSeconds: 15 })).toEqual(['serfHealth=passing', 'service:web-1=passing']);
    const http = { ...base, status: 'critical' as const, check: { type: 'http' as const, path: '/health', intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeCritical: 1, successesBeforePassing: 1, deregisterCriticalAfterSeconds: 60 } };
    expect(serviceEntry(http, context).Checks[1]).toMatchObject({ CheckID: 'service:web-1', Status: 'critical', Type: 'http', ServiceName: 'web' });
    expect(checkIds({ ...base, enabled: false })).toEqual(['serfHealth=passing', '_service_maintenance:web-1=critical']);
  });

  it('passes exactly the routable instances', () => {
    expect(isPassing(base)).toBe(true);
    expect(isPassing({ ...base, status: 'critical' })).toBe(false);
    expect(isPassing({ ...base, enabled: false })).toBe(false);
  });
});
