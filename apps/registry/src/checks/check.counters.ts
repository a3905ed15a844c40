import { HealthCheck, InstanceStatus } from '../registry/instance.entity';

/** Where an instance stands between probes: its status and the current run of equal outcomes. */
export interface CheckCounters {
  status: InstanceStatus;
  /** Consecutive failed probes (0 after a success). */
  failures: number;
  /** Consecutive passed probes (0 after a failure). */
  successes: number;
}

/** Counters of an instance the checker starts (or restarts) following, in `status`. */
export function freshCounters(status: InstanceStatus): CheckCounters {
  return { status, failures: 0, successes: 0 };
}

/**
 * The counters after one probe. A passing instance turns critical after `failuresBeforeCritical` failures
 * in a row and a critical one passes again after `successesBeforePassing` successes in a row, so one blip
 * either way flips nothing.
 */
export function recordProbe(counters: CheckCounters, ok: boolean, check: HealthCheck): CheckCounters {
  if (ok) {
    const successes = counters.successes + 1;
    const recovered = counters.status === 'critical' && successes >= check.successesBeforePassing;
    return { status: recovered ? 'passing' : counters.status, failures: 0, successes };
  }
  const failures = counters.failures + 1;
  const failed = counters.status === 'passing' && failures >= check.failuresBeforeCritical;
  return { status: failed ? 'critical' : counters.status, failures, successes: 0 };
}
