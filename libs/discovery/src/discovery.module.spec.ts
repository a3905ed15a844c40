import { Controller, Get, Injectable, Module, ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthCheck, HealthCheckResult, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { waitFor } from '../../../test/e2e/helpers/wait-for';
import { DISCOVERY_CONFIG, INSTANCE_SOURCE } from './discovery.constants';
import { DiscoveryModule } from './discovery.module';
import { DiscoveryHealthIndicator } from './health/discovery.health-indicator';
import { DiscoveryModuleOptions, ResolvedDiscoveryOptions } from './interfaces/discovery-options.interface';
import { RegistrationService } from './registration/registration.service';
import { listService, startTestRegistry, TestRegistry } from '../../../test/fixtures/registry.fixture';
import { InstanceCache } from './resolution/instance-cache';
import { InstanceSource } from './resolution/instance-source.interface';

const SETTINGS = Symbol('SETTINGS');

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

async function boot(metadata: ModuleMetadata): Promise<NestFastifyApplication> {
  @Module(metadata)
  class AppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

function listeningPort(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : -1;
}

describe('DiscoveryModule', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(() => registry.close());

  const options = (name: string): DiscoveryModuleOptions => ({
    name,
    urls: [registry.url],
    host: '127.0.0.1',
    heartbeatIntervalMs: 200,
    ttlSeconds: 30,
  });

  @Injectable()
  class OptionsFactory {
    create(): DiscoveryModuleOptions {
      return options('via-class');
    }
  }

  @Module({ providers: [{ provide: SETTINGS, useFactory: () => ({ name: 'via-factory' }) }], exports: [SETTINGS] })
  class SettingsModule {}

  const variants: Array<[string, string, () => ModuleMetadata]> = [
    ['forRoot', 'via-root', () => ({ imports: [DiscoveryModule.forRoot(options('via-root'))] })],
    [
      'forRootAsync useFactory + inject',
      'via-factory',
      () => ({
        imports: [
          DiscoveryModule.forRootAsync({
            imports: [SettingsModule],
            inject: [SETTINGS],
            useFactory: (settings: { name: string }) => options(settings.name),
          }),
        ],
      }),
    ],
    ['forRootAsync useClass', 'via-class', () => ({ imports: [DiscoveryModule.forRootAsync({ useClass: OptionsFactory })] })],
    [
      'forRoot with TerminusModule and a health endpoint',
      'via-terminus',
      () => ({ imports: [DiscoveryModule.forRoot(options('via-terminus')), TerminusModule], controllers: [HealthController] }),
    ],
  ];

  it.each(variants)('%s: registers with the listening port, deregisters on close', async (_variant, name, metadata) => {
    const app = await boot(metadata());
    const port = listeningPort(app);
    const listed = await waitFor(async () => (await listService(registry.url, name))[0], {
      message: `${name} registered`,
    });
    expect(listed).toMatchObject({ name, host: '127.0.0.1', port, status: 'passing' });

    const state = app.get(RegistrationService).state();
    expect(state).toMatchObject({ enabled: true, registered: true, instanceId: listed.id, port });
    const health = app.get(DiscoveryHealthIndicator).isHealthy('discovery');
    expect(health.discovery).toMatchObject({ status: 'up', registered: true, instanceId: listed.id });
    expect(app.get<InstanceSource>(INSTANCE_SOURCE)).toBe(app.get(InstanceCache));

    if (name === 'via-terminus') {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ok', info: { discovery: { status: 'up', registered: true } } });
    }

    await app.close();
    expect(await listService(registry.url, name)).toEqual([]);
  });

  it('register: false runs no registration and reports health as disabled', async () => {
    const app = await NestFactory.create<NestFastifyApplication>(
      (() => {
        @Module({ imports: [DiscoveryModule.forRoot({ register: false, urls: [registry.url] })] })
        class ClientModule {}
        return ClientModule;
      })(),
      new FastifyAdapter(),
      { logger: false },
    );
    await app.init();
    expect(app.get<ResolvedDiscoveryOptions>(DISCOVERY_CONFIG).register).toBe(false);
    expect(app.get(RegistrationService).state()).toMatchObject({ enabled: false, registered: false });
    expect(app.get(DiscoveryHealthIndicator).isHealthy()).toEqual({
      discovery: { status: 'up', registration: 'disabled' },
    });
    const before = await (await fetch(`${registry.url}/services`)).json();
    await app.close();
    expect(await (await fetch(`${registry.url}/services`)).json()).toEqual(before);
  });

  it('fails the start naming the bad option', async () => {
    @Module({ imports: [DiscoveryModule.forRoot({ name: 'x', weight: 5000, urls: [registry.url] })] })
    class BadModule {}
    await expect(
      NestFactory.create(BadModule, new FastifyAdapter(), { logger: false, abortOnError: false }),
    ).rejects.toThrow(/weight/);
  });

  it('uses the explicit port option instead of the listening port', async () => {
    const app = await boot({ imports: [DiscoveryModule.forRoot({ ...options('fixed-port'), port: 4567 })] });
    await waitFor(async () => (await listService(registry.url, 'fixed-port'))[0]?.port === 4567, {
      message: 'registered with port 4567',
    });
    await app.close();
  });
});
