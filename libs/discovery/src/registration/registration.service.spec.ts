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

  it('registers an extra endpoint beside the main one, renews it, and removes both on shutdown', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('dual', { metadata: { zone: 'eu' } }));
    const service = app.get(RegistrationService);
    await waitFor(() => service.state().registered, { message: 'main endpoint registered' });
    service.addEndpoint({ protocol: 'grpc', port: 50099, metadata: { codec: 'proto' } });
    const url = registry.url;
    const listed = await waitFor(async () => {
      const list = await listService(url, 'dual');
      return list.length === 2 ? list : undefined;
    }, { message: 'both endpoints registered' });
    const main = listed.find((i) => i.protocol === 'http')!;
    const grpc = listed.find((i) => i.protocol === 'grpc')!;
    expect(grpc).toMatchObject({ id: `${main.id}-grpc`, host: '127.0.0.1', port: 50099, metadata: { zone: 'eu', codec: 'proto' } });
    expect(service.state().endpoints).toEqual([{ id: `${main.id}-grpc`, protocol: 'grpc', port: 50099 }]);

    // Renewed with the main one: a registry that lost its state gets both back.
    await registry.close();
    registry = await startTestRegistry({ port, dataDir: mkdtempSync(join(tmpdir(), 'discovery-empty-')) });
    await waitFor(async () => (await listService(url, 'dual')).length === 2, { timeoutMs: 2000, message: 'both registered again' });

    await app.close();
    app = undefined;
    expect(await listService(url, 'dual')).toEqual([]);
  });

  it('refuses an extra endpoint without a valid port', async () => {
    registry = await startTestRegistry({ port });
    app = await bootApp(options('bad-endpoint'));
    expect(() => app!.get(RegistrationService).addEndpoint({ protocol: 'grpc', port: 0 })).toThrow(/port must be an integer/);
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
