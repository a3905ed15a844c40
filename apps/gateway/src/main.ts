import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig();
  const adapter = new FastifyAdapter({
    // A caller's X-Request-Id is kept when it is sane, so one id follows a request through every hop.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  // The gateway has no endpoint of its own that takes a body: bodies are left unread so the proxy streams them.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  // Callback style: an async hook costs a promise per response on the hot path.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, {
    bodyParser: false,
  });
  if (config.cors) app.enableCors({ origin: config.cors });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  Logger.log(`Gateway listening on ${await app.getUrl()}`, 'Bootstrap');
  Logger.log(`Routes: ${config.routes.map((r) => `${r.prefix} -> ${r.service}`).join(', ')}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
});
