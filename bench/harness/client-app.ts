import { DiscoveryModule, ServiceClient } from '@nest-discovery/discovery';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** An in-process pure client (it does not register) of the registry at `registryUrl`. */
export async function startClientApp(
  registryUrl: string,
  options: { retries?: number } = {},
): Promise<{ app: INestApplicationContext; client: ServiceClient }> {
  const app = await NestFactory.createApplicationContext(
    DiscoveryModule.forRoot({ register: false, urls: [registryUrl], ...options }),
    { logger: ['error', 'warn'] },
  );
  await app.init();
  return { app, client: app.get(ServiceClient) };
}
