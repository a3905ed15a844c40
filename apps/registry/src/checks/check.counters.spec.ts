import { HealthCheck } from '../registry/instance.entity';
import { CheckCounters, freshCounters, recordProbe } from './check.counters';

const check: HealthCheck = {
  type: 'tcp',
  intervalSeconds: 1,
  timeoutSeconds: 1,
  failuresBeforeCritical: 3,
  successesBeforePassing: 2,
  deregisterCriticalAfterSeconds: 60,
};

/** The statuses after each outcome of `outcomes`, starting from `start`. */
function run(start: CheckCounters, outcomes: string): string[] {
  const statuses: string[] = [];
  let counters = start;
  for (const outcome of outcomes) {
    counters = recordProbe(counters, outcome === '+', check);
    statuses.push(counters.status);
  }
  return statuses;
}

describe('recordProbe', () => {
  it('turns a passing instance critical on the failuresBeforeCritical-th failure in a row, not before', () => {
    expect(run(freshCounters('passing'), '---')).toEqual(['passing', 'passing', 'critical']);
  });

  it('lets one success between failures restart the count: blips flip nothing', () => {
    expect(run(freshCounters('passing'), '--+--+--')).not.toContain('critical');
    expect(run(freshCounters('passing'), '--+---').at(-1)).toBe('critical');
  });

  it('brings a critical instance back on the successesBeforePassing-th success in a row', () => {
    expect(run(freshCounters('critical'), '+-+')).toEqual(['critical', 'critical', 'critical']);
    expect(run(freshCounters('critical'), '+-++')).toEqual(['critical', 'critical', 'critical', 'passing']);
  });

  it('counts the current run of outcomes and resets the other', () => {
    const counters = recordProbe(recordProbe(freshCounters('passing'), false, check), false, check);
    expect(counters).toEqual({ status: 'passing', failures: 2, successes: 0 });
    expect(recordProbe(counters, true, check)).toEqual({ status: 'passing', failures: 0, successes: 1 });
  });

  it('with thresholds of 1 follows every probe', () => {
    const strict = { ...check, failuresBeforeCritical: 1, successesBeforePassing: 1 };
    let counters = freshCounters('passing');
    const statuses = [false, true, false].map((ok) => (counters = recordProbe(counters, ok, strict)).status);
    expect(statuses).toEqual(['critical', 'passing', 'critical']);
  });
});
