import { SchedulerRegistry } from '@nestjs/schedule';
import { resolveDiscoveryOptions } from '../config/resolve-options';
import { HEARTBEAT_TIMER, HeartbeatService } from './heartbeat.service';

function heartbeat(heartbeatIntervalMs: number): { service: HeartbeatService; scheduler: SchedulerRegistry } {
  const config = resolveDiscoveryOptions({ name: 'a', heartbeatIntervalMs, ttlSeconds: 60 }, {});
  const scheduler = new SchedulerRegistry();
  return { service: new HeartbeatService(config, scheduler), scheduler };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('HeartbeatService', () => {
  it('waits the interval ±10% while healthy', () => {
    const { service } = heartbeat(10_000);
    for (let i = 0; i < 200; i++) {
      const delay = service.nextDelay(0);
      expect(delay).toBeGreaterThanOrEqual(9000);
      expect(delay).toBeLessThanOrEqual(11_000);
    }
  });

  it('backs off with full jitter after failures, capped at min(5 s, interval)', () => {
    const slow = heartbeat(30_000).service;
    const fast = heartbeat(200).service;
    for (let failures = 1; failures < 30; failures++) {
      const slowDelay = slow.nextDelay(failures);
      expect(slowDelay).toBeGreaterThanOrEqual(1);
      expect(slowDelay).toBeLessThanOrEqual(Math.min(5000, 100 * 2 ** (failures - 1)));
      expect(fast.nextDelay(failures)).toBeLessThanOrEqual(200);
    }
  });

  it('runs the task at once, repeats it, and stops cleanly', async () => {
    const { service, scheduler } = heartbeat(20);
    let runs = 0;
    service.start(async () => {
      runs++;
    });
    expect(runs).toBe(1);
    await until(() => runs >= 4);
    expect(scheduler.doesExist('timeout', HEARTBEAT_TIMER)).toBe(true);
    await service.stop();
    const stoppedAt = runs;
    expect(scheduler.doesExist('timeout', HEARTBEAT_TIMER)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toBe(stoppedAt);
  });

  it('keeps retrying a failing task and returns to the interval once it succeeds', async () => {
    const { service } = heartbeat(50);
    const times: number[] = [];
    service.start(async () => {
      times.push(Date.now());
      if (times.length <= 3) throw new Error('registry down');
    });
    await until(() => times.length >= 6);
    await service.stop();
    // Failures retry within the cap (the interval); successes wait about the interval.
    expect(times[1] - times[0]).toBeLessThanOrEqual(50 + 30);
    expect(times[5] - times[4]).toBeGreaterThanOrEqual(40);
  });

  it('waits what a refusal asked for (retryAfterMs) before trying again, then the backoff as before', async () => {
    const { service } = heartbeat(20);
    const times: number[] = [];
    service.start(async () => {
      times.push(Date.now());
      if (times.length === 1) throw Object.assign(new Error('429'), { retryAfterMs: 300 });
      if (times.length === 2) throw new Error('registry down');
    });
    await until(() => times.length >= 3);
    await service.stop();
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(290);
    // A failure that asked for nothing: the backoff, capped at the interval.
    expect(times[2] - times[1]).toBeLessThanOrEqual(20 + 30);
  });

  it('stop waits for a renewal in flight', async () => {
    const { service } = heartbeat(1000);
    let finished = false;
    service.start(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = true;
    });
    await service.stop();
    expect(finished).toBe(true);
  });
});
