import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { fullJitterBackoff, jittered } from './backoff';

/** Name of the heartbeat's timer in the SchedulerRegistry. */
export const HEARTBEAT_TIMER = 'discovery:heartbeat';
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 5000;
/** The longest a registry's `Retry-After` is waited: past it, the backoff's own delay counts again. */
const RETRY_AFTER_CAP_MS = 5 * 60_000;

/**
 * Runs the renewal task on a jittered interval (±10%), and after a failure on an exponential
 * backoff with full jitter instead, capped at the lesser of 5 s and the interval so a recovered
 * registry is re-joined within about one heartbeat — or after the wait a refusal asked for (a task's error with
 * `retryAfterMs`, the registry's `Retry-After` on a 429), so a fleet over the registry's rate of new registrations
 * waits its turn rather than asking again every few seconds. The timer lives in @nestjs/schedule's
 * SchedulerRegistry (a chain of timeouts: each tick picks its own delay) and is unref()'d. @internal
 */
@Injectable()
export class HeartbeatService {
  private task: (() => Promise<void>) | undefined;
  private failures = 0;
  /** What the last failure asked to wait, if it did. */
  private retryAfterMs: number | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  /** Runs `task` now, then keeps running it; a rejected task means "retry with backoff". */
  start(task: () => Promise<void>): void {
    void this.stop();
    this.task = task;
    this.failures = 0;
    this.tick();
  }

  /** Stops the schedule and waits for a renewal in flight, so a deregistration cannot be overtaken by it. */
  async stop(): Promise<void> {
    this.task = undefined;
    if (this.scheduler.doesExist('timeout', HEARTBEAT_TIMER)) this.scheduler.deleteTimeout(HEARTBEAT_TIMER);
    await this.running;
  }

  /** Delay before the next run, given how many runs in a row have failed. */
  nextDelay(failures: number): number {
    if (failures === 0) return jittered(this.config.heartbeatIntervalMs, 0.1);
    const cap = Math.min(BACKOFF_CAP_MS, this.config.heartbeatIntervalMs);
    return Math.max(1, fullJitterBackoff(failures - 1, Math.min(BACKOFF_BASE_MS, cap), cap));
  }

  private tick(): void {
    const task = this.task;
    if (!task) return;
    this.running = task().then(
      () => {
        this.failures = 0;
        this.retryAfterMs = undefined;
      },
      (error: unknown) => {
        this.failures++;
        const asked = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
        this.retryAfterMs = typeof asked === 'number' && asked > 0 ? Math.min(asked, RETRY_AFTER_CAP_MS) : undefined;
      },
    );
    void this.running.then(() => this.schedule(task));
  }

  private schedule(task: () => Promise<void>): void {
    if (this.task !== task) return; // stopped or restarted meanwhile
    if (this.scheduler.doesExist('timeout', HEARTBEAT_TIMER)) this.scheduler.deleteTimeout(HEARTBEAT_TIMER);
    const timer = setTimeout(() => {
      this.scheduler.deleteTimeout(HEARTBEAT_TIMER);
      this.tick();
    }, Math.max(this.nextDelay(this.failures), this.retryAfterMs ?? 0));
    timer.unref();
    this.scheduler.addTimeout(HEARTBEAT_TIMER, timer);
  }
}
