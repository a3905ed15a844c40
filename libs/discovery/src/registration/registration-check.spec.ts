import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthCheck, HealthCheckResult, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import { startTestRegistry, TestRegistry } from '../../../../test/fixtures/registry.fixture';
import { DiscoveryModule } from '../discovery.module';
import { DiscoveryHealthIndicator } from '../health/discovery.health-indicator';
import { DiscoveryModuleOptions } from '../interfaces/discovery-options.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { RegistrationService } from './registration.service';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly discovery: DiscoveryHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.discovery.isHealthy('discovery')]);
  }
}

async function bootApp(options: DiscoveryModuleOptions, withHealth: boolean): Promise<NestFastifyApplication> {
  @Module({
    imports: [DiscoveryModule.forRoot(options), ...(withHealth ? [TerminusModule] : [])],
    controllers: withHealth ? [HealthController] : [],
  })
  class AppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Every instance of `name`, critical and drained ones included. */
async function listAll(url: string, name: string): Promise<ServiceInstance[]> {
  return (await (await fetch(`${url}/service/${name}?status=all`)).json()) as ServiceInstance[];
}

describe('RegistrationService health checks', () => {
  let registry: TestRegistry;
  let app: NestFastifyApplication | undefined;
  const options = (name: string, extra: DiscoveryModuleOptions = {}): DiscoveryModuleOptions => ({
    name,
    urls: [registry.url],
    host: '127.0.0.1',
    heartbeatIntervalMs: 100,
    ttlSeconds: 30,
    ...extra,
  });

  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(() => registry.close());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("registers an HTTP check of the app's /health, which the registry's first probes find passing", async () => {
    // One failed probe would make it critical: a /health that failed on the registration's own state would show.
    app = await bootApp(options('checked', { check: { intervalSeconds: 1, failuresBeforeCritical: 1 } }), true);
    const probed = await waitFor(async () => (await listAll(registry.url, 'checked')).find((i) => i.checkOutput !== undefined), {
      timeoutMs: 5000,
      message: 'a first probe of /health',
    });
    expect(probed.check).toMatchObject({ type: 'http', path: '/health', intervalSeconds: 1, failuresBeforeCritical: 1 });
    expect(probed).toMatchObject({ status: 'passing', checkOutput: expect.stringContaining('200') });
  });

  it('registers a tcp check instead when the app serves no GET /health', async () => {
    app = await bootApp(options('no-health-route'), false);
    const listed = await waitFor(async () => (await listAll(registry.url, 'no-health-route'))[0], { message: 'registered' });
    expect(listed.check).toMatchObject({ type: 'tcp', intervalSeconds: 10 });
    expect(listed.check?.path).toBeUndefined();
  });

  it('registers no check with check: false, and none for its named endpoints', async () => {
    app = await bootApp(options('unchecked', { check: false }), true);
    const service = app.get(RegistrationService);
    await waitFor(() => service.state().registered, { message: 'registered' });
    service.addEndpoint({ protocol: 'grpc', port: 50098 });
    const listed = await waitFor(async () => (await listAll(registry.url, 'unchecked')).find((i) => i.endpoints?.grpc), {
      message: 'the grpc endpoint registered',
    });
    expect(listed.check).toBeUndefined();
    expect(listed.endpoints?.grpc).toEqual({ protocol: 'grpc', port: 50098 });
  });

  it('gives a gRPC endpoint a grpc.health.v1 check with the main check interval', async () => {
    app = await bootApp(options('dual-checked', { check: { intervalSeconds: 7 } }), true);
    const service = app.get(RegistrationService);
    await waitFor(() => service.state().registered, { message: 'registered' });
    service.addEndpoint({ protocol: 'grpc', port: 50097 });
    const listed = await waitFor(async () => (await listAll(registry.url, 'dual-checked')).find((i) => i.endpoints?.grpc), {
      message: 'the grpc endpoint registered',
    });
    expect(listed.endpoints?.grpc.check).toMatchObject({ type: 'grpc', service: '', intervalSeconds: 7 });
    expect(listed.check).toMatchObject({ type: 'http', path: '/health', intervalSeconds: 7 });
  });

  it('rejects a bad endpoint check at addEndpoint, naming the field', async () => {
    app = await bootApp(options('bad-endpoint-check'), false);
    expect(() =>
      app!.get(RegistrationService).addEndpoint({ protocol: 'grpc', port: 50096, check: { timeoutSeconds: 0 } }),
    ).toThrow(/check.timeoutSeconds/);
  });
});
