import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadCalcConfig } from './calc.config';
import { CalcModule } from './calc.module';

async function bootstrap(): Promise<void> {
  const config = loadCalcConfig();
  const app = await NestFactory.create<NestFastifyApplication>(CalcModule, new FastifyAdapter());
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  Logger.log(`Calc listening on ${await app.getUrl()}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
});
