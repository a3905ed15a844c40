import { HealthCheck, InstanceRegistration, RegistryInstance } from '../registry/instance.entity';
import { controlOf, InstanceControl, withControl } from './instance.fields';
import { controlJson, instanceBody, instanceJson, parseControl, parseInstances, withControlJson } from './instance.json';

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
    expect(body.endsWith('"status":"passing","enabled":true,')).toBe(true);
  });

  it('holds the check in one field order, so the same check registered twice is the same body', () => {
    const check: HealthCheck = {
      type: 'http',
      path: '/health',
      intervalSeconds: 10,
      timeoutSeconds: 2,
      failuresBeforeCritical: 3,
      successesBeforePassing: 2,
      deregisterCriticalAfterSeconds: 60,
    };
    const reordered = Object.fromEntries(Object.entries(check).reverse()) as unknown as HealthCheck;
    const body = instanceBody('calc-1', { ...registration, check });
    expect(instanceBody('calc-1', { ...registration, check: reordered })).toBe(body);
    expect(instanceBody('calc-1', { ...registration, check: { ...check, intervalSeconds: 5 } })).not.toBe(body);
    expect(instanceBody('calc-1', registration)).not.toBe(body);
    const [parsed] = parseInstances([instanceJson(body, 'a', 'b')]);
    expect(parsed.check).toEqual(check);
    expect(Object.keys(parsed.check ?? {})).not.toContain('service');
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
        enabled: true,
        registeredAt: '2025-01-01T00:00:00.000Z',
        lastHeartbeat: '2025-01-01T00:00:05.000Z',
      },
      expect.objectContaining({ id: 'calc-1' }),
    ]);
    expect(parseInstances([])).toEqual([]);
  });

  it('stores no control for the defaults, and one canonical string otherwise', () => {
    expect(controlJson({ status: 'passing' })).toBe('');
    expect(controlJson({ status: 'passing', overrides: {} })).toBe('');
    expect(controlJson({ status: 'critical' })).toBe('{"status":"critical","enabled":true}');
    expect(controlJson({ status: 'passing', overrides: { weight: 9, enabled: false } })).toBe(
      controlJson({ status: 'passing', overrides: { enabled: false, weight: 9 } }),
    );
    expect(controlJson({ status: 'passing', checkOutput: 'HTTP 200' })).not.toBe('');
  });

  const controls: InstanceControl[] = [
    { status: 'passing' },
    { status: 'critical', statusSince: '2025-01-01T00:00:09.000Z', checkOutput: 'connect ECONNREFUSED' },
    { status: 'passing', overrides: { enabled: false } },
    { status: 'passing', overrides: { weight: 9 } },
    { status: 'critical', statusSince: 'x', checkOutput: 'HTTP 503 "quoted" \\ \n', overrides: { weight: 9, enabled: false } },
  ];

  it.each(controls)('appended to the instance JSON, parses into withControl(instance, control): %j', (control) => {
    const json = instanceJson(instanceBody('calc-1', registration), 'a', 'b');
    const merged = JSON.parse(withControlJson(json, controlJson(control))) as RegistryInstance;
    const expected = withControl(JSON.parse(json) as RegistryInstance, control);
    expect(merged).toEqual(expected);
    expect(Object.keys(merged).sort()).toEqual(Object.keys(expected).sort());
    expect(parseControl(controlJson(control))).toEqual(controlOf(expected));
  });

  it('keeps a list parsed in one go, each instance with its own control', () => {
    const drained = controlJson({ status: 'passing', overrides: { enabled: false, weight: 9 } });
    const jsons = ['calc-1', 'calc-2'].map((id) => instanceJson(instanceBody(id, registration), 'a', 'b'));
    const [first, second] = parseInstances([withControlJson(jsons[0], drained), withControlJson(jsons[1], '')]);
    expect(first).toMatchObject({ id: 'calc-1', enabled: false, weight: 9, overrides: { enabled: false, weight: 9 } });
    expect(second).toMatchObject({ id: 'calc-2', enabled: true, weight: 2, status: 'passing' });
    expect(second).not.toHaveProperty('overrides');
  });
});
