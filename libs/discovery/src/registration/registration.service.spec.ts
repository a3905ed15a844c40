import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../test/e2e/helpers/free-port';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import { DiscoveryModule } from '../discovery.module';
import { DiscoveryModuleOptions } from '../interfaces/discovery-options.interface';
import { RegistrationService } from './registration.service';
import { listService, startTestRegistry, TestRegistry } from '../../../../test/fixtures/registry.fixture';

async function bootApp(options: DiscoveryModuleOptions): Promise<NestFastifyApplication> {
  @Module({ imports: [DiscoveryModule.forRoot(options)] })
  class AppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('RegistrationService', () => {
  let port: number;
  let registry: TestRegistry | undefined;
  let app: NestFastifyApplication | undefined;
  const options = (name: string, extra: DiscoveryModuleOptions = {}): DiscoveryModuleOptions => ({
    name,
    urls: [`http://127.0.0.1:${port}`],
    host: '127.0.0.1',
    heartbeatIntervalMs: 100,
    ttlSeconds: 30,
    ...extra,
  });

  beforeEach(async () => {
    port = await freePort();
  });
  afterEach(async () => {
    await app?.close();
    await registry?.close();
    app = registry = undefined;
  });

  it('registers again, under the same id, with a registry that lost its state', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('lost-state'));
    const url = registry.url;
    const before = await waitFor(async () => (await listService(url, 'lost-state'))[0], {
      message: 'registered',
    });

    await registry.close();
    registry = await startTestRegistry({ port, dataDir: mkdtempSync(join(tmpdir(), 'discovery-empty-')) });
    const after = await waitFor(async () => (await listService(url, 'lost-state'))[0], {
      timeoutMs: 2000,
      message: 'registered again',
    });
    expect(after.id).toBe(before.id);
    expect(app.get(RegistrationService).state()).toMatchObject({ registered: true, instanceId: before.id });
  });

  it('keeps the configured instance id', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('fixed-id', { instanceId: 'fixed-id-1' }));
    await waitFor(async () => (await listService(registry!.url, 'fixed-id'))[0]?.id === 'fixed-id-1', {
      message: 'registered as fixed-id-1',
    });
  });

  it('starts without a registry, records the error, and registers once one appears', async () => {
    app = await bootApp(options('late'));
    const service = app.get(RegistrationService);
    await waitFor(() => service.state().lastError, { message: 'a recorded error' });
    expect(service.state()).toMatchObject({ registered: false, instanceId: undefined });

    registry = await startTestRegistry({ port });
    await waitFor(() => service.state().registered, { timeoutMs: 2000, message: 'registered' });
    expect(service.state().lastError).toBeUndefined();
    expect((await listService(registry.url, 'late'))[0]?.id).toBe(service.state().instanceId);
  });

  it('registers a named endpoint with the one instance, renews it, and removes the instance on shutdown', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('dual', { metadata: { zone: 'eu' } }));
    const service = app.get(RegistrationService);
    await waitFor(() => service.state().registered, { message: 'registered' });
    const id = service.state().instanceId;
    service.addEndpoint({ protocol: 'grpc', port: 50099 });
    const url = registry.url;
    // Added while registered: renewed at once, well within one 100 ms heartbeat... or ten.
    const [listed, ...others] = await waitFor(async () => {
      const list = await listService(url, 'dual');
      return list[0]?.endpoints?.grpc ? list : undefined;
    }, { timeoutMs: 1000, message: 'the grpc endpoint registered' });
    expect(others).toEqual([]);
    expect(listed).toMatchObject({ id, protocol: 'http', metadata: { zone: 'eu' }, endpoints: { grpc: { protocol: 'grpc', port: 50099 } } });
    expect(service.state().endpoints).toEqual([{ name: 'grpc', protocol: 'grpc', port: 50099 }]);

    // Renewed with the instance: a registry that lost its state gets it back, endpoint included.
    await registry.close();
    registry = await startTestRegistry({ port, dataDir: mkdtempSync(join(tmpdir(), 'discovery-empty-')) });
    const back = await waitFor(async () => (await listService(url, 'dual'))[0], { timeoutMs: 2000, message: 'registered again' });
    expect(back).toMatchObject({ id, endpoints: { grpc: { port: 50099 } } });

    await app.close();
    app = undefined;
    expect(await listService(url, 'dual')).toEqual([]);
  });

  it('names an endpoint by its protocol unless told, and replaces one added again under its name', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('named'));
    const service = app.get(RegistrationService);
    service.addEndpoint({ protocol: 'grpc', port: 50090 });
    service.addEndpoint({ name: 'admin', protocol: 'http', port: 50091, check: false });
    service.addEndpoint({ protocol: 'grpc', port: 50092 });
    expect(service.state().endpoints).toEqual([
      { name: 'grpc', protocol: 'grpc', port: 50092 },
      { name: 'admin', protocol: 'http', port: 50091 },
    ]);
    const listed = await waitFor(async () => (await listService(registry!.url, 'named')).find((i) => i.endpoints?.grpc?.port === 50092), {
      message: 'registered with its endpoints, the replaced one renewed',
    });
    expect(listed.endpoints).toEqual({
      grpc: expect.objectContaining({ protocol: 'grpc', port: 50092 }),
      admin: { protocol: 'http', port: 50091 },
    });
  });

  it('refuses a named endpoint without a valid port or name', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('bad-endpoint'));
    const service = app.get(RegistrationService);
    expect(() => service.addEndpoint({ protocol: 'grpc', port: 0 })).toThrow(/port must be an integer/);
    expect(() => service.addEndpoint({ name: 'Grpc', protocol: 'grpc', port: 1 })).toThrow(/name must match/);
    expect(() => service.addEndpoint({ protocol: 'udp' as 'tcp', port: 1 })).toThrow(/protocol must be one of/);
    for (let i = 0; i < 8; i++) service.addEndpoint({ name: `e${i}`, protocol: 'tcp', port: 1000 + i });
    expect(() => service.addEndpoint({ name: 'e8', protocol: 'tcp', port: 1008 })).toThrow(/at most 8/);
    expect(() => service.addEndpoint({ name: 'e7', protocol: 'tcp', port: 2007 })).not.toThrow();
  });

  it('shuts down promptly when the registry is gone', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('orphan'));
    await waitFor(() => app!.get(RegistrationService).state().registered, { message: 'registered' });
    await registry.close();
    registry = undefined;
    const startedAt = Date.now();
    await app.close();
    app = undefined;
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });
});
