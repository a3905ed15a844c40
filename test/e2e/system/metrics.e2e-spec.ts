import { http } from '../helpers/http';
import { Sample, scrape, select, sum } from '../helpers/prometheus-text';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

interface Instance {
  id: string;
  protocol: string;
  endpoints?: Record<string, { port: number }>;
}

const N = 20;
const FAST_DISCOVERY = { DISCOVERY_HEARTBEAT_MS: '300', DISCOVERY_TTL_SECONDS: '3' };

/** `/metrics` on the gateway and on calc, read while real traffic goes through them. */
describe('metrics of the gateway and calc (real processes)', () => {
  let registry: RunningApp;
  let calcs: RunningApp[];
  let gateway: RunningApp;
  let env: Record<string, string>;

  /** Ids of the calc instances (one per process), each with its grpc endpoint. */
  const calcInstances = async (): Promise<string[]> =>
    (await http<Instance[]>(`${registry.url}/service/calc`)).body.filter((i) => i.endpoints?.grpc).map((i) => i.id);
  const gatewayMetrics = (): Promise<Sample[]> => scrape(`${gateway.url}/metrics`);
  const calcMetrics = (): Promise<Sample[][]> => Promise.all(calcs.map((calc) => scrape(`${calc.url}/metrics`)));
  /** How much a counter (summed over the matching series) moved between two scrapes. */
  const moved = (before: Sample[], after: Sample[], name: string, labels: Record<string, string>): number =>
    sum(after, name, labels) - sum(before, name, labels);

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    env = { REGISTRY_URL: registry.url, ...FAST_DISCOVERY };
    calcs = await Promise.all([startApp('calc', env), startApp('calc', env)]);
    gateway = await startApp('gateway', env);
    await waitFor(async () => (await calcInstances()).length === 2, { message: 'two calc instances registered, each with a grpc endpoint' });
    // The gateway's own cache, as its metrics report it: both calcs, callable over both protocols.
    await waitFor(
      async () => {
        const samples = await gatewayMetrics();
        return (
          sum(samples, 'discovery_known_instances', { service: 'calc', protocol: 'http' }) === 2 &&
          sum(samples, 'discovery_known_instances', { service: 'calc', protocol: 'grpc' }) === 2
        );
      },
      { message: 'the gateway to know both calcs' },
    );
  }, 60_000);

  afterAll(() => stopAll());

  it('counts N calls through the declarative client as N successes, split over the calc instances', async () => {
    const ids = await calcInstances();
    const [gatewayBefore, calcsBefore] = [await gatewayMetrics(), await calcMetrics()];
    for (let i = 0; i < N; i++) expect((await http(`${gateway.url}/calc/add/${i}/1`)).status).toBe(200);
    const [gatewayAfter, calcsAfter] = [await gatewayMetrics(), await calcMetrics()];
    const onGateway = (name: string, labels: Record<string, string>): number => moved(gatewayBefore, gatewayAfter, name, labels);

    const outbound = { service: 'calc', outcome: 'success', protocol: 'http' };
    expect(onGateway('discovery_client_requests_total', outbound)).toBe(N);
    // Round robin over two instances: exactly half each.
    for (const id of ids) expect(onGateway('discovery_client_requests_total', { ...outbound, instance: id })).toBe(N / 2);
    expect(onGateway('discovery_client_request_duration_seconds_count', outbound)).toBe(N);
    expect(onGateway('discovery_client_retries_total', { service: 'calc' })).toBe(0);
    // The latency histogram is per outcome, not per instance.
    const latency = select(gatewayAfter, 'discovery_client_request_duration_seconds_count');
    expect(latency.filter((sample) => sample.labels.instance !== undefined)).toEqual([]);

    // The gateway's inbound requests, by route pattern.
    const inbound = { method: 'GET', route: '/calc/:op/:a/:b', status_code: '200' };
    expect(onGateway('http_server_request_duration_seconds_count', inbound)).toBe(N);

    // Each calc saw half of them, under its own route pattern, never a raw URL.
    const calcInbound = { method: 'GET', route: '/add/:a/:b', status_code: '200' };
    for (let c = 0; c < calcs.length; c++) {
      expect(moved(calcsBefore[c], calcsAfter[c], 'http_server_request_duration_seconds_count', calcInbound)).toBe(N / 2);
    }
    const routes = calcsAfter.flatMap((samples) =>
      select(samples, 'http_server_request_duration_seconds_count').map((sample) => sample.labels.route),
    );
    expect(routes.filter((route) => /\d/.test(route))).toEqual([]);
  });

  it('counts gRPC calls under protocol="grpc", split over the instances by their ids', async () => {
    const ids = await calcInstances();
    const before = await gatewayMetrics();
    for (let i = 0; i < N; i++) expect((await http(`${gateway.url}/grpc/calc/add/${i}/1`)).status).toBe(200);
    const after = await gatewayMetrics();
    const outbound = { service: 'calc', outcome: 'success', protocol: 'grpc' };
    expect(moved(before, after, 'discovery_client_requests_total', outbound)).toBe(N);
    for (const id of ids) expect(moved(before, after, 'discovery_client_requests_total', { ...outbound, instance: id })).toBe(N / 2);
    expect(moved(before, after, 'discovery_client_requests_total', { service: 'calc', protocol: 'http' })).toBe(0);
  });

  it('counts an answered error as client_error on the gateway and a 400 on calc', async () => {
    const [gatewayBefore, calcsBefore] = [await gatewayMetrics(), await calcMetrics()];
    expect((await http(`${gateway.url}/calc/div/1/0`)).status).toBe(400);
    expect((await http(`${gateway.url}/grpc/calc/div/1/0`)).status).toBe(400);
    const [gatewayAfter, calcsAfter] = [await gatewayMetrics(), await calcMetrics()];
    const onGateway = (name: string, labels: Record<string, string>): number => moved(gatewayBefore, gatewayAfter, name, labels);
    expect(onGateway('discovery_client_requests_total', { service: 'calc', outcome: 'client_error' })).toBe(2);
    expect(onGateway('discovery_client_requests_total', { service: 'calc', outcome: 'success' })).toBe(0);
    expect(onGateway('http_server_request_duration_seconds_count', { route: '/calc/:op/:a/:b', status_code: '400' })).toBe(1);
    const div400 = { method: 'GET', route: '/div/:a/:b', status_code: '400' };
    const onCalcs = calcs.map((_calc, c) => moved(calcsBefore[c], calcsAfter[c], 'http_server_request_duration_seconds_count', div400));
    expect(onCalcs.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('reports each app’s registration', async () => {
    for (const samples of [await gatewayMetrics(), ...(await calcMetrics())]) {
      expect(sum(samples, 'discovery_registration_registered')).toBe(1);
      const age = sum(samples, 'discovery_registration_last_renewal_age_seconds');
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(3);
      expect(select(samples, 'process_resident_memory_bytes')).toHaveLength(1);
    }
  });

  it('answers 404 on /metrics with DISCOVERY_METRICS=false, and still serves', async () => {
    const quiet = await startApp('calc', { ...env, DISCOVERY_METRICS: 'false' });
    try {
      const response = await http<{ message: string }>(`${quiet.url}/metrics`);
      expect(response.status).toBe(404);
      expect(response.body.message).toMatch(/DISCOVERY_METRICS/);
      expect((await http(`${quiet.url}/add/1/2`)).body).toEqual({ result: 3 });
    } finally {
      await quiet.stop();
    }
  });
});
