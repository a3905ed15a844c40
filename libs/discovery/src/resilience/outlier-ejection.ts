import { Logger } from '@nestjs/common';
import { ConsecutiveBreaker } from 'cockatiel';
import { OutlierEjectionOptions } from '../interfaces/discovery-options.interface';

/** Milliseconds since some epoch; injectable so tests can drive time. @internal */
export type Clock = () => number;

/** Circuit state of one instance. */
export type EjectionState = 'closed' | 'open' | 'half-open';

interface Breaker {
  state: EjectionState;
  openedAt: number;
  /** A half-open breaker lets exactly one probe through; true while it is in flight. */
  probing: boolean;
  readonly failures: ConsecutiveBreaker;
}

/**
 * Per-instance circuit breaker (outlier ejection). `consecutiveFailures` failures in a row eject an
 * instance for `cooldownMs`; then exactly one probe call is let through: success closes the
 * circuit, failure ejects it again.
 *
 * What counts as a failure is decided by the caller (see `retry.policy.ts`): transport errors,
 * timeouts and 500/502/503/504 answers do; 4xx never does.
 *
 * Why not cockatiel's CircuitBreakerPolicy: it moves Open→HalfOpen only inside `execute()`, so
 * its `state` cannot tell the selector "this instance may take a probe now" without running a
 * call, and `execute()` costs a closure, events and an extra promise on every call. Cockatiel's
 * `ConsecutiveBreaker` still does the counting. @internal
 */
export class OutlierEjection {
  private readonly breakers = new Map<string, Breaker>();
  /** Breakers not closed; 0 lets the selector skip filtering altogether. */
  private notClosed = 0;
  private readonly logger = new Logger('OutlierEjection');

  constructor(
    private readonly options: Required<OutlierEjectionOptions>,
    private readonly clock: Clock = Date.now,
  ) {}

  /** True when no instance is ejected or probing (the common case). */
  get allClosed(): boolean {
    return this.notClosed === 0;
  }

  state(id: string): EjectionState {
    return this.breakers.get(id)?.state ?? 'closed';
  }

  /** May a call be sent to this instance now? Does not claim the half-open probe. */
  isAvailable(id: string): boolean {
    const breaker = this.breakers.get(id);
    if (!breaker || breaker.state === 'closed') return true;
    if (breaker.state === 'half-open') return !breaker.probing;
    return this.clock() - breaker.openedAt >= this.options.cooldownMs;
  }

  /** Marks the start of a call to `id`; claims the probe slot when the breaker is due one. */
  acquire(id: string): void {
    const breaker = this.breakers.get(id);
    if (!breaker || breaker.state === 'closed') return;
    if (breaker.state === 'open') {
      breaker.state = 'half-open';
      this.logger.log(`Instance ${id}: cooldown over, sending one probe call`);
    }
    breaker.probing = true;
  }

  onSuccess(id: string): void {
    const breaker = this.breakers.get(id);
    if (!breaker) return;
    breaker.failures.success();
    if (breaker.state !== 'closed') {
      breaker.state = 'closed';
      breaker.probing = false;
      this.notClosed--;
      this.logger.log(`Instance ${id}: probe succeeded, back in rotation`);
    }
  }

  /** Counts a failure; true when it ejected the instance (a closed circuit tripped, or a probe failed). */
  onFailure(id: string): boolean {
    let breaker = this.breakers.get(id);
    if (!breaker) {
      breaker = {
        state: 'closed',
        openedAt: 0,
        probing: false,
        failures: new ConsecutiveBreaker(this.options.consecutiveFailures),
      };
      this.breakers.set(id, breaker);
    }
    if (breaker.state === 'half-open') {
      breaker.state = 'open';
      breaker.probing = false;
      breaker.openedAt = this.clock();
      this.logger.warn(`Instance ${id}: probe failed, ejected again for ${this.options.cooldownMs} ms`);
      return true;
    } else if (breaker.state === 'closed' && breaker.failures.failure()) {
      breaker.state = 'open';
      breaker.openedAt = this.clock();
      this.notClosed++;
      this.logger.warn(
        `Instance ${id}: ${this.options.consecutiveFailures} consecutive failures, ejected for ${this.options.cooldownMs} ms`,
      );
      return true;
    }
    return false;
  }

  /** A call ended with no verdict on the instance (e.g. the caller aborted): free the probe slot. */
  release(id: string): void {
    const breaker = this.breakers.get(id);
    if (breaker && breaker.state === 'half-open') breaker.probing = false;
  }

  /** Forgets an instance that left. */
  forget(id: string): void {
    const breaker = this.breakers.get(id);
    if (!breaker) return;
    if (breaker.state !== 'closed') this.notClosed--;
    this.breakers.delete(id);
  }

  /** Forgets every instance not in `liveIds`. */
  retain(liveIds: ReadonlySet<string>): void {
    for (const [id, breaker] of this.breakers) {
      if (liveIds.has(id)) continue;
      if (breaker.state !== 'closed') this.notClosed--;
      this.breakers.delete(id);
    }
  }
}
