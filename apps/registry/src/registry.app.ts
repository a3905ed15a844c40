import { appLogger, genRequestId, loggerParams, useRequestLogging } from '@nest-discovery/discovery/logging';
import { StartedTracing, startTracing, useRequestTracing } from '@nest-discovery/discovery/tracing';
import { tlsServerOptions } from '@nest-discovery/registry-api';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Server as TlsServer } from 'node:tls';
import { Params as LoggerParams, PinoLogger } from 'nestjs-pino';
import { Clock } from './clock';
import { setupRegistryApiDocs } from './docs/registry-api.docs';
import { loadRegistryConfig, openWritesWarning, RegistryConfig } from './config';
import { RegistryModule } from './registry.module';

// The registry package's own manifest (apps/registry/package.json). A plain require, not an import, so that
// tsc leaves it out of the package's program (it is outside rootDir): webpack inlines it into the bundle, and
// the package's build finds it one folder up, at the package's root, as the sources do.
const { version } = require('../package.json') as { version: string };

export interface RegistryAppOptions {
  /**
   * nestjs-pino parameters, or false for silence (tests). Default: `loggerParams('registry')`, i.e.
   * JSON lines (pretty on a terminal) at `LOG_LEVEL`, each request's lines carrying its `reqId`.
   */
  logger?: LoggerParams | false;
  clock?: Clock;
  /** The OpenTelemetry SDK `startTracing` registered, shut down with the app. */
  tracing?: StartedTracing;
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
  const logging = options.logger === false ? undefined : (options.logger ?? loggerParams('registry'));
  const logger = logging ? appLogger(logging) : false;
  // request.id, and so each log line's reqId, is the caller's X-Request-Id when it sent a sane one.
  // REGISTRY_TLS_CERT/KEY set: HTTPS (and client certificates required when REGISTRY_TLS_CLIENT_AUTH=require).
  const https = tlsServerOptions(config.tls);
  const adapter = new FastifyAdapter({ bodyLimit: config.bounds.maxBodyBytes, genReqId: genRequestId, ...(https && { https }) });
  // No useRequestContext: the registry calls nobody on a request's behalf, and the lines its handlers log
  // carry their reqId themselves (requestLine), which spares every request AsyncLocalStorage's promise hooks.
  if (logger) useRequestLogging(adapter.getInstance(), PinoLogger.root);
  // A server span per request while an SDK is registered (registrations and watch answers say what they did).
  useRequestTracing(adapter.getInstance(), { sdk: options.tracing });
  const app = await NestFactory.create<NestFastifyApplication>(
    RegistryModule.forRoot(config, { clock: options.clock, logging }),
    adapter,
    { logger },
  );
  app.enableShutdownHooks();
  setupRegistryApiDocs(app, version);
  await app.listen(config.port, config.host);
  Logger.log(`Registry listening on ${registryUrl(app)}`, 'Registry');
  const warning = openWritesWarning(config);
  if (warning !== undefined) Logger.warn(warning, 'Registry');
  return app;
}

/** The URL a local client reaches the app at (0.0.0.0 and :: become 127.0.0.1; https when it serves TLS). */
export function registryUrl(app: NestFastifyApplication): string {
  const server = app.getHttpServer();
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('registry is not listening on TCP');
  const host = ['0.0.0.0', '::', ''].includes(address.address) ? '127.0.0.1' : address.address;
  const scheme = server instanceof TlsServer ? 'https' : 'http';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** Entry point of `main.ts`: configuration from the environment, failing fast on bad values. */
export async function bootstrap(): Promise<NestFastifyApplication> {
  // The logger first, so that a bad variable is reported as a JSON line too.
  const logging = loggerParams('registry');
  Logger.overrideLogger(appLogger(logging));
  const config = loadRegistryConfig(process.env);
  // OpenTelemetry's SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set; else nothing is loaded.
  return createRegistryApp(config, { logger: logging, tracing: startTracing('registry') });
}
