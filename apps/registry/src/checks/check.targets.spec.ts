import { HealthCheck, RegistryInstance, RegistryState } from '../registry/instance.entity';
import { CheckTargets } from './check.targets';

const CHECK: HealthCheck = {
  type: 'tcp',
  intervalSeconds: 10,
  timeoutSeconds: 2,
  failuresBeforeCritical: 3,
  successesBeforePassing: 2,
  deregisterCriticalAfterSeconds: 60,
};

function instance(id: string, overrides: Partial<RegistryInstance> = {}): RegistryInstance {
  return {
    id,
    name: 'calc',
    host: '127.0.0.1',
    port: 8080,
    protocol: 'http',
    tags: [],
    metadata: {},
    weight: 1,
    ttlSeconds: 30,
    check: CHECK,
    status: 'passing',
    enabled: true,
    registeredAt: '2025-01-01T00:00:00.000Z',
    lastHeartbeat: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const state = (...instances: RegistryInstance[]): RegistryState => ({ revision: 1, services: { calc: instances } });
const NOW = Date.parse('2025-01-01T00:00:00.000Z');

describe('CheckTargets', () => {
  it('follows only instances with a check, each first due within one interval', () => {
    const targets = new CheckTargets();
    targets.sync(state(instance('calc-1'), instance('calc-2', { check: undefined })), NOW);
    expect(targets.size).toBe(1);
    expect(targets.popDue(NOW + 10_000)?.id).toBe('calc-1');
    expect(targets.popDue(NOW + 10_000)).toBeUndefined();
  });

  it('takes over a status the store changed behind its back, counters reset, and tracks it as critical', () => {
    const targets = new CheckTargets();
    targets.sync(state(instance('calc-1')), NOW);
    const entry = targets.popDue(NOW + 10_000)!;
    entry.counters = { status: 'passing', failures: 2, successes: 0 };
    targets.sync(state(instance('calc-1', { status: 'critical', statusSince: '2025-01-01T00:00:05.000Z', checkOutput: 'x' })), NOW);
    expect(entry.counters).toEqual({ status: 'critical', failures: 0, successes: 0 });
    expect(entry.stored).toEqual({ status: 'critical', output: 'x', since: NOW + 5000 });
    expect([...targets.criticals()]).toEqual([entry]);
  });

  it('tracks an instance afresh when its address or check changes, and drops one that left', () => {
    const targets = new CheckTargets();
    targets.sync(state(instance('calc-1'), instance('calc-2')), NOW);
    const first = targets.popDue(NOW + 10_000)!;
    const moved = first.id === 'calc-1' ? instance('calc-1', { port: 9090 }) : instance('calc-2', { check: { ...CHECK, timeoutSeconds: 3 } });
    targets.sync(state(moved), NOW);
    expect(first.removed).toBe(true);
    expect(targets.size).toBe(1);
    const again = targets.popDue(NOW + 20_000)!;
    expect(again).not.toBe(first);
    expect(again.id).toBe(moved.id);
    expect(again.counters).toEqual({ status: 'passing', failures: 0, successes: 0 });
  });
});
