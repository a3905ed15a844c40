import { parsePrometheus, Sample, scrape, select, sum } from '../helpers/prometheus-text';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, http, register, StateJson, TestRegistry } from './registry.harness';

/** The registry's `/metrics`: counters move by exactly what the test did, gauges read the live state. */
describe('registry metrics', () => {
  let registry: TestRegistry;
  let url: string;
  const metrics = (): Promise<Sample[]> => scrape(`${url}/metrics`);

  beforeEach(async () => {
    registry = await bootRegistry();
    url = registry.url;
  });

  afterEach(() => registry.close());

  it('answers the Prometheus text format, process metrics included', async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parsePrometheus(await response.text());
    expect(select(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(select(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
    expect(sum(samples, 'registry_store_up')).toBe(1);
    expect(sum(samples, 'registry_watches_open')).toBe(0);
  });

  it('counts registrations, renewals and deregistrations by service, exactly', async () => {
    const before = await metrics();
    expect((await register(url, calc({ id: 'calc-1' }))).status).toBe(201);
    expect((await register(url, calc({ id: 'calc-2' }))).status).toBe(201);
    expect((await register(url, calc({ id: 'calc-1' }))).status).toBe(200);
    expect((await register(url, calc({ id: 'calc-1' }))).status).toBe(200);
    expect((await register(url, calc({ id: 'calc-1', weight: 3 }))).status).toBe(200);
    expect((await register(url, { name: 'orders', host: '127.0.0.1', port: 9000, id: 'orders-1' })).status).toBe(201);
    expect((await http(`${url}/service/calc/calc-2`, { method: 'DELETE' })).status).toBe(204);
    // Refused calls change nothing: an unknown instance (404), an invalid body (400).
    expect((await http(`${url}/service/calc/nope`, { method: 'DELETE' })).status).toBe(404);
    expect((await register(url, calc({ port: 0 }))).status).toBe(400);

    const after = await metrics();
    const moved = (name: string, service: string): number => sum(after, name, { service }) - sum(before, name, { service });
    expect(moved('registry_registrations_total', 'calc')).toBe(2);
    expect(moved('registry_registrations_total', 'orders')).toBe(1);
    expect(moved('registry_renewals_total', 'calc')).toBe(3);
    expect(moved('registry_renewals_total', 'orders')).toBe(0);
    expect(moved('registry_deregistrations_total', 'calc')).toBe(1);
    expect(moved('registry_expiries_total', 'calc')).toBe(0);

    expect(select(after, 'registry_instances', { service: 'calc' })).toEqual([
      { name: 'registry_instances', labels: { service: 'calc', status: 'passing', enabled: 'true' }, value: 1 },
    ]);
    expect(sum(after, 'registry_instances', { service: 'orders' })).toBe(1);
  });

  it('counts an instance whose TTL ran out as an expiry, and drops it from the instances gauge', async () => {
    await register(url, { name: 'orders', host: '127.0.0.1', port: 9000, id: 'orders-1', ttlSeconds: 1 });
    await register(url, calc({ id: 'calc-1' }));
    expect(sum(await metrics(), 'registry_instances', { service: 'orders' })).toBe(1);

    const after = await waitFor(
      async () => {
        const samples = await metrics();
        return sum(samples, 'registry_expiries_total', { service: 'orders' }) === 1 ? samples : undefined;
      },
      { timeoutMs: 5_000, message: 'the orders instance to expire' },
    );
    expect(select(after, 'registry_instances', { service: 'orders' })).toEqual([]);
    expect(sum(after, 'registry_instances', { service: 'calc' })).toBe(1);
    expect(sum(after, 'registry_expiries_total', { service: 'calc' })).toBe(0);
    expect(sum(after, 'registry_deregistrations_total')).toBe(0);
  });

  it('labels instances by enabled: a drained instance moves to enabled="false"', async () => {
    await register(url, calc({ id: 'calc-1' }));
    await register(url, calc({ id: 'calc-2' }));
    expect((await http(`${url}/service/calc/calc-2`, { method: 'PATCH', body: { enabled: false } })).status).toBe(200);
    const samples = await metrics();
    expect(sum(samples, 'registry_instances', { service: 'calc', status: 'passing', enabled: 'true' })).toBe(1);
    expect(sum(samples, 'registry_instances', { service: 'calc', status: 'passing', enabled: 'false' })).toBe(1);
  });

  it('shows open long polls while they wait', async () => {
    const { revision } = (await http<StateJson>(`${url}/services`)).body;
    const aborts = [new AbortController(), new AbortController()];
    const polls = aborts.map((abort) =>
      fetch(`${url}/watch?revision=${revision}&timeoutSeconds=30`, { signal: abort.signal }).catch(() => undefined),
    );
    await waitFor(async () => sum(await metrics(), 'registry_watches_open') === 2, { message: 'two open watches' });
    for (const abort of aborts) abort.abort();
    await Promise.all(polls);
    await waitFor(async () => sum(await metrics(), 'registry_watches_open') === 0, { message: 'the watches to close' });
  });

  it('times requests by route pattern, never by raw URL', async () => {
    await register(url, calc({ id: 'calc-1' }));
    const before = await metrics();
    for (const name of ['calc', 'orders', 'calc']) expect((await http(`${url}/service/${name}`)).status).toBe(200);
    expect((await http(`${url}/service/bad name!`)).status).toBe(400);
    expect((await http(`${url}/no/such/route`)).status).toBe(404);
    const after = await metrics();

    const count = 'http_server_request_duration_seconds_count';
    const moved = (labels: Record<string, string>): number => sum(after, count, labels) - sum(before, count, labels);
    expect(moved({ method: 'GET', route: '/service/:name', status_code: '200' })).toBe(3);
    expect(moved({ method: 'GET', route: '/service/:name', status_code: '400' })).toBe(1);
    expect(moved({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    const routes = new Set(select(after, count).map((sample) => sample.labels.route));
    expect([...routes].filter((route) => /calc|orders|no\/such/.test(route))).toEqual([]);

    // A histogram: cumulative buckets up to +Inf, which equals the count.
    const labels = { method: 'GET', route: '/service/:name', status_code: '200' };
    const buckets = select(after, 'http_server_request_duration_seconds_bucket', labels);
    expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: sum(after, count, labels) });
    const values = buckets.map((bucket) => bucket.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(sum(after, 'http_server_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
  });

  it('keeps two registries in one process apart (each has its own metrics registry)', async () => {
    const other = await bootRegistry();
    try {
      await register(url, calc({ id: 'calc-1' }));
      await register(url, calc({ id: 'calc-2' }));
      await register(other.url, calc({ id: 'calc-9' }));
      expect(sum(await metrics(), 'registry_registrations_total', { service: 'calc' })).toBe(2);
      expect(sum(await scrape(`${other.url}/metrics`), 'registry_registrations_total', { service: 'calc' })).toBe(1);
    } finally {
      await other.close();
    }
  });
});
