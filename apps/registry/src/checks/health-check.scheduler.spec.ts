import { Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { resolveRegistryConfig } from '../config';
import { RegistryMetrics } from '../metrics/registry.metrics';
import { HealthCheck, InstanceRegistration } from '../registry/instance.entity';
import { MemoryRegistryStore } from '../store/memory.store';
import { ManualClock } from '../testing.clock';
import { CheckLeadership } from './check.leadership';
import { HealthCheckScheduler } from './health-check.scheduler';
import { HealthProber, ProbeResult, ProbeTarget } from './health-prober.interface';

/**
 * The scheduler against the real memory store and a manual clock; only the probe's outcome is scripted
 * (per port), which is what makes thresholds, phases and timings testable to the tick. Real probes run in
 * the e2e suite (test/e2e/registry/health-checks.e2e-spec.ts).
 */
class ScriptedProber implements HealthProber {
  readonly outcomes = new Map<number, ProbeResult>();
  readonly calls: ProbeTarget[] = [];
  /** Ports whose probes wait until released. */
  readonly held = new Map<number, (() => void)[]>();

  async probe(target: ProbeTarget): Promise<ProbeResult> {
    this.calls.push(target);
    const waiters = this.held.get(target.port);
    if (waiters !== undefined) await new Promise<void>((resolve) => waiters.push(resolve));
    return this.outcomes.get(target.port) ?? { ok: true, output: 'HTTP 200' };
  }

  release(port: number): void {
    for (const resolve of this.held.get(port)?.splice(0) ?? []) resolve();
  }
}

const CHECK: HealthCheck = {
  type: 'http',
  path: '/health',
  intervalSeconds: 1,
  timeoutSeconds: 1,
  failuresBeforeCritical: 3,
  successesBeforePassing: 2,
  deregisterCriticalAfterSeconds: 10,
};

function registration(id: string, port: number, check: Partial<HealthCheck> = {}): InstanceRegistration {
  return {
    id,
    name: 'calc',
    host: '127.0.0.1',
    port,
    protocol: 'http',
    tags: [],
    metadata: {},
    weight: 1,
    ttlSeconds: 3600,
    check: { ...CHECK, ...check },
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('HealthCheckScheduler', () => {
  const logged: string[] = [];
  beforeAll(() => {
    const keep = (message: unknown): number => logged.push(String(message));
    Logger.overrideLogger({ log: keep, warn: keep, error: keep, debug: keep, verbose: keep, fatal: keep });
  });
  afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));
  let clock: ManualClock;
  let store: MemoryRegistryStore;
  let prober: ScriptedProber;
  let scheduler: HealthCheckScheduler;
  let setHealth: jest.SpyInstance;

  const make = async (checkConcurrency = 64): Promise<void> => {
    const leadership = new CheckLeadership(store, new SchedulerRegistry());
    await leadership.claim();
    scheduler = new HealthCheckScheduler(
      store,
      resolveRegistryConfig({ checkConcurrency }),
      clock,
      { http: prober, tcp: prober, grpc: prober },
      leadership,
      new SchedulerRegistry(),
      new RegistryMetrics(undefined as unknown as ModuleRef),
    );
  };

  /** Moves the clock by `ms` in ticks of 100 ms, letting every started probe finish. */
  const run = async (ms: number): Promise<void> => {
    for (let elapsed = 0; elapsed < ms; elapsed += 100) {
      clock.advance(Math.min(100, ms - elapsed));
      scheduler.tick();
      await flush();
    }
  };

  /** Runs until the prober was called `count` times in all. */
  const runUntilProbes = async (count: number): Promise<void> => {
    for (let i = 0; i < 100 && prober.calls.length < count; i++) await run(100);
    expect(prober.calls.length).toBe(count);
  };

  const status = async (id: string) => (await store.all()).services.calc?.find((instance) => instance.id === id);

  beforeEach(async () => {
    logged.length = 0;
    clock = new ManualClock(Date.parse('2025-01-01T00:00:00.000Z'));
    store = new MemoryRegistryStore(clock);
    prober = new ScriptedProber();
    setHealth = jest.spyOn(store, 'setHealth');
    await make();
  });

  afterEach(() => scheduler.onApplicationShutdown());

  it('probes each instance once per interval, at its own phase', async () => {
    await store.upsert(registration('calc-1', 8001));
    scheduler.tick();
    await flush();
    await run(5000);
    // 5 s at a 1 s interval: 5 probes (the phase may put the first right at the start: 5 or 6).
    expect(prober.calls.length).toBeGreaterThanOrEqual(5);
    expect(prober.calls.length).toBeLessThanOrEqual(6);
    expect(scheduler.stats()).toMatchObject({ leader: true, instances: 1, running: 0, critical: 0 });
  });

  it('spreads the first probes of many new instances over the interval', async () => {
    for (let i = 0; i < 200; i++) await store.upsert(registration(`calc-${i}`, 9000 + i));
    scheduler.tick();
    await flush();
    const perTick: number[] = [];
    for (let i = 0; i < 10; i++) {
      const before = prober.calls.length;
      await run(100);
      perTick.push(prober.calls.length - before);
    }
    // 200 instances over ten 100 ms ticks: about 20 each, never the herd at once.
    expect(perTick.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(180);
    expect(Math.max(...perTick)).toBeLessThan(45);
  });

  it('turns critical after failuresBeforeCritical failures, writing the output once and the status once', async () => {
    await store.upsert(registration('calc-1', 8001));
    scheduler.tick();
    await run(1000);
    const revision = await store.revision();
    prober.outcomes.set(8001, { ok: false, output: 'HTTP 503' });

    await run(1000);
    expect(await status('calc-1')).toMatchObject({ status: 'passing', checkOutput: 'HTTP 503' });
    expect(await store.revision()).toBe(revision);
    await run(1000);
    expect((await status('calc-1'))?.status).toBe('passing');
    await run(1000);
    expect(await status('calc-1')).toMatchObject({ status: 'critical', checkOutput: 'HTTP 503' });
    expect(await store.revision()).toBe(revision + 1);
    expect(scheduler.stats().critical).toBe(1);
    expect(logged.filter((line) => line.includes('calc/calc-1'))).toEqual(['calc/calc-1 is critical: HTTP 503 (3 failures)']);

    // The first failure wrote the new output, the third the new status; the second changed nothing.
    const writes = setHealth.mock.calls.map(([, , update]) => update);
    expect(writes).toEqual([
      { status: 'passing', output: 'HTTP 200' },
      { status: 'passing', output: 'HTTP 503' },
      { status: 'critical', output: 'HTTP 503' },
    ]);
  });

  it('brings a critical instance back after successesBeforePassing successes', async () => {
    prober.outcomes.set(8001, { ok: false, output: 'HTTP 503' });
    await store.upsert(registration('calc-1', 8001));
    scheduler.tick();
    await run(3000);
    await run(1000);
    expect((await status('calc-1'))?.status).toBe('critical');

    prober.outcomes.delete(8001);
    await run(1000);
    expect((await status('calc-1'))?.status).toBe('critical');
    await run(1000);
    expect(await status('calc-1')).toMatchObject({ status: 'passing', checkOutput: 'HTTP 200' });
  });

  it('deregisters an instance critical for deregisterCriticalAfterSeconds', async () => {
    prober.outcomes.set(8001, { ok: false, output: 'connect ECONNREFUSED 127.0.0.1:8001' });
    await store.upsert(registration('calc-1', 8001));
    await store.upsert(registration('calc-2', 8002));
    scheduler.tick();
    await run(4000);
    const criticalSince = Date.parse((await status('calc-1'))!.statusSince!);

    await run(criticalSince + 9_000 - clock.now());
    expect(await status('calc-1')).toBeDefined();
    await run(1200);
    expect(await status('calc-1')).toBeUndefined();
    expect(await status('calc-2')).toBeDefined();
    expect(scheduler.stats()).toMatchObject({ instances: 1, critical: 0 });
  });

  it("probes a named endpoint at its own port; its failure makes only the endpoint critical and never deregisters the instance", async () => {
    const grpcCheck: HealthCheck = { ...CHECK, type: 'grpc', service: '', deregisterCriticalAfterSeconds: 2 };
    await store.upsert({ ...registration('calc-1', 8001), endpoints: { grpc: { port: 9001, protocol: 'grpc', check: grpcCheck } } });
    prober.outcomes.set(9001, { ok: false, output: 'gRPC UNAVAILABLE' });
    scheduler.tick();
    await run(4000);
    expect(prober.calls).toEqual(expect.arrayContaining([expect.objectContaining({ port: 9001, protocol: 'grpc' })]));
    expect(await status('calc-1')).toMatchObject({
      status: 'passing',
      checkOutput: 'HTTP 200',
      endpointHealth: { grpc: { status: 'critical', checkOutput: 'gRPC UNAVAILABLE' } },
    });
    expect(logged).toContain('calc/calc-1 endpoint grpc is critical: gRPC UNAVAILABLE (3 failures)');
    expect(scheduler.stats()).toMatchObject({ instances: 2, critical: 1 });

    await run(5000); // well past the endpoint check's deregisterCriticalAfterSeconds
    expect(await status('calc-1')).toBeDefined();

    prober.outcomes.delete(9001);
    await run(2000);
    expect((await status('calc-1'))?.endpointHealth?.grpc).toMatchObject({ status: 'passing', checkOutput: 'HTTP 200' });
  });

  it('restarts the counters when the check changes', async () => {
    prober.outcomes.set(8001, { ok: false, output: 'HTTP 503' });
    await store.upsert(registration('calc-1', 8001));
    scheduler.tick();
    await runUntilProbes(2);
    // Two failures, one short of critical; then the instance changes its check.
    await store.upsert(registration('calc-1', 8001, { path: '/ready' }));
    await scheduler.refresh();
    await runUntilProbes(4);
    expect((await status('calc-1'))?.status).toBe('passing');
    await runUntilProbes(5);
    expect((await status('calc-1'))?.status).toBe('critical');
  });

  it('never runs more than checkConcurrency probes at once, and runs every due one', async () => {
    await make(2);
    for (let i = 0; i < 6; i++) {
      prober.held.set(7000 + i, []);
      await store.upsert(registration(`calc-${i}`, 7000 + i));
    }
    scheduler.tick();
    await run(1000);
    expect(scheduler.stats().running).toBe(2);
    const probed = new Set<number>();
    for (let round = 0; round < 10 && probed.size < 6; round++) {
      for (const call of prober.calls) probed.add(call.port);
      expect(scheduler.stats().running).toBeLessThanOrEqual(2);
      for (let i = 0; i < 6; i++) prober.release(7000 + i);
      await flush();
    }
    expect(probed.size).toBe(6);
  });

  it('ignores the result of a probe whose instance left meanwhile', async () => {
    prober.held.set(8001, []);
    prober.outcomes.set(8001, { ok: false, output: 'HTTP 503' });
    await store.upsert(registration('calc-1', 8001, { failuresBeforeCritical: 1 }));
    scheduler.tick();
    await run(1000);
    expect(scheduler.stats().running).toBe(1);
    await store.deregister('calc', 'calc-1');
    await scheduler.refresh();
    prober.release(8001);
    await flush();
    expect(setHealth).not.toHaveBeenCalled();
    expect(scheduler.stats()).toMatchObject({ instances: 0, running: 0 });
  });
});
