import { SMOKE } from '../../../bench/harness/bench-options';
import { renderReport } from '../../../bench/harness/report';
import { runBench } from '../../../bench/run-bench';
import { stopAll } from '../helpers/spawn-app';

// Not a measurement: a tiny load that proves every bench case still runs and reports numbers.
describe('bench smoke', () => {
  afterAll(() => stopAll());

  it('runs every case and reports numbers', async () => {
    const rows = await runBench(SMOKE);
    const cases = rows.map((row) => row.case).join('\n');
    expect(cases).toMatch(/declarative/);
    expect(cases).toMatch(/proxy/);
    expect(cases).toMatch(/over gRPC/);
    expect(cases).toMatch(/over the fast lane \(TcpServiceClient\); floor = Moleculer/);
    expect(cases).toMatch(/profiled/);
    expect(cases).toMatch(/^churn/m);
    expect(cases).toMatch(/^fan-out/m);
    expect(cases).toMatch(/^subscriptions/m);
    expect(cases).toMatch(/^registry watch request/m);
    expect(cases).toMatch(/restored from a snapshot/);
    expect(cases).toMatch(/renewal/);
    expect(cases).toMatch(/lookup, 10 instances/);
    expect(cases).toMatch(/propagation/);
    expect(cases).toMatch(/ServiceClient/);
    expect(cases).toMatch(/metrics cost/);
    expect(cases).toMatch(/crash \(SIGKILL\) → unroutable/);
    expect(cases).toMatch(/graceful stop \(SIGTERM\) → unroutable/);
    for (const row of rows) {
      // autocannon reports whole milliseconds, so a fast local p50 may honestly be 0.
      expect(row.subject.p50Ms).toBeGreaterThanOrEqual(0);
      expect(row.subject.p99Ms).toBeGreaterThanOrEqual(row.subject.p50Ms);
      expect(row.subject.requests).toBeGreaterThan(0);
      // Timing cases (how long until something is seen) have no request rate.
      if (!/^(propagation|crash|graceful stop|fan-out|subscriptions)/.test(row.case)) expect(row.subject.requestsPerSecond).toBeGreaterThan(0);
      if (row.floor) expect(row.floor.requestsPerSecond).toBeGreaterThan(0);
    }
    const report = renderReport(rows);
    expect(report).toContain('| case | req/s |');
    // The profiled hop's CPU split by component, with the library's own share in it.
    expect(report).toMatch(/\| library \(libs\/\*\) \| \d/);
    // Each topology case starts four or eight processes; on two busy cores that alone takes most of a minute.
  }, 240_000);
});
