import { discoveryHttpsOptions } from '@nest-discovery/discovery';
import { appLogger, genRequestId, loggerParams, useRequestContext, useRequestLogging } from '@nest-discovery/discovery/logging';
import { startTracing, useRequestTracing } from '@nest-discovery/discovery/tracing';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { version } from '../../../package.json';
import { setupGatewayApiDocs } from './docs/gateway-api.docs';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { matchRoute } from './proxy/route-table';

async function bootstrap(): Promise<void> {
  // First, so that even a bad variable below is reported as a JSON line.
  const logger = appLogger(loggerParams('gateway'));
  Logger.overrideLogger(logger);
  const config = loadGatewayConfig();
  // OpenTelemetry's SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (before any client exists); else nothing is loaded.
  const tracing = startTracing('gateway');
  // A caller's X-Request-Id is kept when it is sane, so one id follows a request through every hop:
  // it is each log line's reqId, and every call made while handling the request sends it upstream.
  // DISCOVERY_TLS_CERT/KEY set: HTTPS (see the README's Security section).
  const https = discoveryHttpsOptions();
  const adapter = new FastifyAdapter({ genReqId: genRequestId, ...(https && { https }) });
  const fastify = adapter.getInstance();
  // A server span per request, carried in the request context (installed next): the calls it makes are its children.
  useRequestTracing(fastify, { sdk: tracing });
  // A request's budget: its caller's x-timeout-ms, else its proxy route's, else GATEWAY_BUDGET_MS.
  // Its id is answered in X-Request-Id, so a client can quote it.
  useRequestContext(fastify, {
    defaultBudgetMs: (request) => matchRoute(config.routes, request.url)?.route.budgetMs ?? config.budgetMs,
    echoRequestId: true,
  });
  useRequestLogging(fastify, PinoLogger.root);
  // The gateway has no endpoint of its own that takes a body: bodies are left unread so the proxy streams them.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, {
    bodyParser: false,
    logger,
  });
  if (config.cors) app.enableCors({ origin: config.cors });
  app.enableShutdownHooks();
  setupGatewayApiDocs(app, config.routes, version);
  await app.listen(config.port, config.host);
  Logger.log(`Gateway listening on ${await app.getUrl()}`, 'Bootstrap');
  Logger.log(`Routes: ${config.routes.map((r) => `${r.prefix} -> ${r.service}`).join(', ')}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
});
