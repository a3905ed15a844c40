import { Counter, Histogram, Registry } from 'prom-client';
import { CounterFamily, HistogramFamily } from './metric-cells';

/** The cell families must print exactly what prom-client's own metrics print for the same updates. */
describe('metric cells', () => {
  const BOUNDS = [0.001, 0.01, 0.1, 1];

  it('a histogram family prints what a prom-client Histogram prints', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const family = new HistogramFamily('latency_seconds', 'Latency.', ours, BOUNDS);
    const reference = new Histogram({
      name: 'latency_seconds',
      help: 'Latency.',
      labelNames: ['route', 'code'],
      buckets: BOUNDS,
      registers: [theirs],
    });
    const observations: Array<[string, string, number]> = [
      ['/a', '200', 0.0004],
      ['/a', '200', 0.001],
      ['/a', '200', 0.05],
      ['/a', '500', 3],
      ['/b', '200', 0.5],
      ['/a', '200', 1],
    ];
    for (const [route, code, value] of observations) {
      family.cell(`${route} ${code}`, { route, code }).observe(value);
      reference.observe({ route, code }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('a counter family prints what a prom-client Counter prints', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const family = new CounterFamily('calls_total', 'Calls.', ours);
    const reference = new Counter({ name: 'calls_total', help: 'Calls.', labelNames: ['service', 'outcome'], registers: [theirs] });
    for (const [service, outcome] of [['calc', 'success'], ['calc', 'success'], ['calc', 'timeout'], ['orders', 'success']]) {
      family.cell(`${service} ${outcome}`, { service, outcome }).value++;
      reference.inc({ service, outcome });
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('removes a series, and resets in place so cells held by the call path stay live', async () => {
    const registry = new Registry();
    const family = new CounterFamily('calls_total', 'Calls.', registry);
    const kept = family.cell('a', { instance: 'a' });
    family.cell('b', { instance: 'b' }).value = 5;
    kept.value = 2;
    family.remove('b');
    registry.resetMetrics();
    kept.value++;
    const [metric] = await registry.getMetricsAsJSON();
    expect(metric.values).toEqual([{ labels: { instance: 'a' }, value: 1 }]);
  });
});
