import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { RegistryConfig, resolveRegistryConfig } from '../../../apps/registry/src/config';
import { registryUrl } from '../../../apps/registry/src/registry.app';
import { RegistryModule } from '../../../apps/registry/src/registry.module';
import { UiModule } from '../../../apps/registry/src/ui/ui.module';
import { tmpDir } from '../helpers/tmp-dir';

export interface UiRegistry {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * The registry with its dashboard, in this process on a free port: `RegistryModule.forRoot` plus
 * `UiModule`, as `createRegistryApp` builds it once the registry module imports `UiModule` (importing
 * it twice is harmless).
 */
export async function bootUiRegistry(overrides: Partial<RegistryConfig> = {}): Promise<UiRegistry> {
  const config = resolveRegistryConfig({
    host: '127.0.0.1',
    sweepIntervalMs: 100,
    snapshotDelayMs: 50,
    dataDir: tmpDir('registry-ui-e2e-'),
    ...overrides,
    port: 0,
  });
  @Module({ imports: [RegistryModule.forRoot(config), UiModule] })
  class RegistryWithUiModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    RegistryWithUiModule,
    // A browser keeps sockets open (keep-alive, a long poll in flight): close them rather than wait on them.
    new FastifyAdapter({ bodyLimit: config.bounds.maxBodyBytes, forceCloseConnections: true }),
    { logger: false },
  );
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  return { app, url: registryUrl(app), close: () => app.close() };
}
