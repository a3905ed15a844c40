import { ConsoleLogger, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock } from './clock';
import { loadRegistryConfig, RegistryConfig } from './config';
import { RegistryModule } from './registry.module';

/** Largest request body accepted; anything bigger is answered 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface RegistryAppOptions {
  /** Nest logger levels, or false for silence (tests). Default: log, warn, error. */
  logger?: LogLevel[] | false;
  clock?: Clock;
}

/**
 * Creates the registry, restores its snapshot and listens on `config.host:config.port`; logs one
 * line `Registry listening on http://HOST:PORT`. Close it with `app.close()` (writes a last snapshot).
 * @example const app = await createRegistryApp({ ...loadRegistryConfig(), port: 0 });
 */
export async function createRegistryApp(
  config: RegistryConfig,
  options: RegistryAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    RegistryModule.forRoot(config, { clock: options.clock }),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    { logger: options.logger === false ? false : consoleLogger(options.logger ?? ['log', 'warn', 'error']) },
  );
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  Logger.log(`Registry listening on ${registryUrl(app)}`, 'Registry');
  return app;
}

/** Colours only on a terminal: escape codes in piped logs break whoever parses them (the URL line). */
function consoleLogger(logLevels: LogLevel[]): ConsoleLogger {
  return new ConsoleLogger({ logLevels, colors: process.stdout.isTTY === true });
}

/** The URL a local client reaches the app at (0.0.0.0 and :: become 127.0.0.1). */
export function registryUrl(app: NestFastifyApplication): string {
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('registry is not listening on TCP');
  const host = ['0.0.0.0', '::', ''].includes(address.address) ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** Entry point of `main.ts`: configuration from the environment, failing fast on bad values. */
export async function bootstrap(): Promise<NestFastifyApplication> {
  return createRegistryApp(loadRegistryConfig(process.env));
}
