import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { MetricObjectWithValues, MetricValue } from 'prom-client';
import { ServiceClient } from '../client/service-client';
import { closedPort, config, instance, json, startServer, StaticSource, TestServer } from '../client/test-support/fixtures';
import { UndiciTransport } from '../client/undici.transport';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { GrpcChannelPool } from '../grpc/channel-pool';
import { GrpcClientFactory } from '../grpc/grpc-client.factory';
import {
  CALC_PROTO,
  CALC_SERVICE,
  CalculatorDefinition,
  grpcInstance,
  startGrpcServer,
  TestGrpcServer,
} from '../grpc/test-support/grpc-fixtures';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { RegistryHttpClient } from '../registration/registry-http.client';
import { InstanceCache } from '../resolution/instance-cache';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { DiscoveryMetrics } from './discovery.metrics';

Logger.overrideLogger(false);

type Json = MetricObjectWithValues<MetricValue<string>>;

/** The value of the series of `name` with exactly these labels (0 when absent). */
async function value(metrics: DiscoveryMetrics, name: string, labels: Record<string, string>): Promise<number> {
  const all = (await metrics.registry.getMetricsAsJSON()) as Json[];
  const base = name.replace(/_(count|sum)$/, '');
  const family = all.find((metric) => metric.name === name || metric.name === base);
  const series = family?.values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? family.name) === name &&
      Object.keys(labels).length === Object.keys(v.labels).length &&
      Object.entries(labels).every(([key, expected]) => String(v.labels[key]) === expected),
  );
  return series?.value ?? 0;
}

describe('DiscoveryMetrics on the call path (real servers)', () => {
  const servers: Array<TestServer | TestGrpcServer> = [];
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  function http(source: StaticSource, overrides: Partial<ResolvedDiscoveryOptions> = {}) {
    const cfg = config(overrides);
    const metrics = new DiscoveryMetrics(cfg);
    const transport = new UndiciTransport({ connections: 4 });
    closers.push(() => transport.close());
    const ejection = new OutlierEjection(cfg.outlierEjection);
    return { metrics, client: new ServiceClient(cfg, source, transport, ejection, new StrategyRegistry(), metrics) };
  }

  const requests = (metrics: DiscoveryMetrics, instanceId: string, outcome: string, protocol = 'http') =>
    value(metrics, 'discovery_client_requests_total', { service: 'svc', instance: instanceId, outcome, protocol });

  it('counts each HTTP attempt by instance and outcome, and times it by outcome', async () => {
    const ok = await startServer((req, res) => json(res, req.url === '/missing' ? 404 : 200, {}));
    servers.push(ok);
    const { metrics, client } = http(new StaticSource().set('svc', [instance('a', ok.port)]));
    for (let i = 0; i < 3; i++) await client.request({ service: 'svc', path: '/' });
    await expect(client.request({ service: 'svc', path: '/missing' })).rejects.toMatchObject({ status: 404 });

    expect(await requests(metrics, 'a', 'success')).toBe(3);
    expect(await requests(metrics, 'a', 'client_error')).toBe(1);
    const labels = { service: 'svc', outcome: 'success', protocol: 'http' };
    expect(await value(metrics, 'discovery_client_request_duration_seconds_count', labels)).toBe(3);
    expect(await value(metrics, 'discovery_client_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
    expect(await value(metrics, 'discovery_client_retries_total', { service: 'svc', protocol: 'http' })).toBe(0);
  });

  it('counts retries, server errors, connection failures and the ejections they cause', async () => {
    const failing = await startServer((_req, res) => json(res, 503, {}));
    const healthy = await startServer((_req, res) => json(res, 200, {}));
    servers.push(failing, healthy);
    const dead = await closedPort();
    const source = new StaticSource().set('svc', [
      instance('bad', failing.port),
      instance('good', healthy.port),
      instance('dead', dead),
    ]);
    const { metrics, client } = http(source, { outlierEjection: { consecutiveFailures: 1, cooldownMs: 60_000 }, retries: 2 });
    // Round robin: `bad` answers 503; the second pick, among the two left, is `dead` (refused); then `good`.
    // Both failures eject (one failure is enough here).
    await client.request({ service: 'svc', path: '/' });

    expect(await requests(metrics, 'bad', 'server_error')).toBe(1);
    expect(await requests(metrics, 'dead', 'unavailable')).toBe(1);
    expect(await requests(metrics, 'good', 'success')).toBe(1);
    expect(await value(metrics, 'discovery_client_retries_total', { service: 'svc', protocol: 'http' })).toBe(2);
    expect(await value(metrics, 'discovery_client_ejections_total', { service: 'svc', protocol: 'http' })).toBe(2);
  });

  it('counts a timeout, and a call with no instance to go to', async () => {
    const hang = await startServer(() => undefined);
    servers.push(hang);
    const source = new StaticSource().set('svc', [instance('slow', hang.port)]);
    const { metrics, client } = http(source, { retries: 0, timeoutMs: 50 });
    await expect(client.request({ service: 'svc', path: '/' })).rejects.toMatchObject({ code: 'REMOTE_TIMEOUT' });
    await expect(client.request({ service: 'other', path: '/' })).rejects.toMatchObject({ code: 'NO_AVAILABLE_INSTANCE' });

    expect(await requests(metrics, 'slow', 'timeout')).toBe(1);
    const noInstance = { service: 'other', instance: '', outcome: 'no_instance', protocol: 'http' };
    expect(await value(metrics, 'discovery_client_requests_total', noInstance)).toBe(1);
  });

  it('counts gRPC attempts with the same outcomes', async () => {
    const a = await startGrpcServer('a');
    servers.push(a);
    a.behave('Div', () => ({ code: status.INVALID_ARGUMENT, details: 'b must not be zero' }));
    a.behave('Sub', () => ({ code: status.INTERNAL, details: 'boom' }));
    const cfg = config({ retries: 0 });
    const metrics = new DiscoveryMetrics(cfg);
    const channels = new GrpcChannelPool();
    closers.push(() => channels.close());
    const source = new StaticSource().set('svc', [grpcInstance('g', a.port, { name: 'svc' })]);
    const factory = new GrpcClientFactory(cfg, source, new OutlierEjection(cfg.outlierEjection), channels, metrics);
    const client = factory.create<CalculatorDefinition>({
      service: 'svc',
      protoPath: CALC_PROTO,
      grpcService: CALC_SERVICE,
      idempotent: true,
    });
    await client.call('Add', { a: 1, b: 2 });
    await client.call('Add', { a: 1, b: 2 });
    await expect(client.call('Div', { a: 1, b: 0 })).rejects.toMatchObject({ status: status.INVALID_ARGUMENT });
    await expect(client.call('Sub', { a: 1, b: 0 })).rejects.toMatchObject({ status: status.INTERNAL });

    expect(await requests(metrics, 'g', 'success', 'grpc')).toBe(2);
    expect(await requests(metrics, 'g', 'client_error', 'grpc')).toBe(1);
    expect(await requests(metrics, 'g', 'server_error', 'grpc')).toBe(1);
    const latency = { service: 'svc', outcome: 'success', protocol: 'grpc' };
    expect(await value(metrics, 'discovery_client_request_duration_seconds_count', latency)).toBe(2);
  });

  it('forgets the series of an instance that left the registry', async () => {
    const cfg = config();
    const cache = new InstanceCache(cfg, new RegistryHttpClient(cfg));
    const metrics = new DiscoveryMetrics(cfg, undefined, cache);
    metrics.onModuleInit();
    closers.push(() => metrics.onModuleDestroy());
    const a = instance('a', 1, { name: 'svc' });
    const b = instance('b', 2, { name: 'svc' });
    cache.applySnapshot(1, { svc: [a, b] });
    metrics.client('svc', 'http')?.attempt('a', 'success', 0);
    metrics.client('svc', 'http')?.attempt('b', 'success', 0);
    expect(await value(metrics, 'discovery_known_instances', { service: 'svc', protocol: 'http' })).toBe(2);

    cache.applySnapshot(2, { svc: [b] });
    expect(await requests(metrics, 'a', 'success')).toBe(0);
    expect(await requests(metrics, 'b', 'success')).toBe(1);
    expect(await value(metrics, 'discovery_known_instances', { service: 'svc', protocol: 'http' })).toBe(1);
  });

  it('counts an instance under each protocol it can be called over, a critical endpoint not', async () => {
    const cfg = config();
    const cache = new InstanceCache(cfg, new RegistryHttpClient(cfg));
    const metrics = new DiscoveryMetrics(cfg, undefined, cache);
    metrics.onModuleInit();
    closers.push(() => metrics.onModuleDestroy());
    const grpc = { grpc: { protocol: 'grpc' as const, port: 50051 } };
    cache.applySnapshot(1, {
      calc: [
        instance('a', 1, { name: 'calc', endpoints: grpc }),
        instance('b', 2, { name: 'calc', endpoints: grpc, endpointHealth: { grpc: { status: 'critical' } } }),
      ],
    });
    expect(await value(metrics, 'discovery_known_instances', { service: 'calc', protocol: 'http' })).toBe(2);
    expect(await value(metrics, 'discovery_known_instances', { service: 'calc', protocol: 'grpc' })).toBe(1);
  });

  it('records nothing when disabled', async () => {
    const ok = await startServer((_req, res) => json(res, 200, {}));
    servers.push(ok);
    const { metrics, client } = http(new StaticSource().set('svc', [instance('a', ok.port)]), { metrics: false });
    await client.request({ service: 'svc', path: '/' });
    expect(metrics.enabled).toBe(false);
    expect(metrics.client('svc', 'http')).toBeUndefined();
    expect(await metrics.metrics()).toBe('\n');
  });
});
