import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
  app.enableShutdownHooks(); // drain and deregister on SIGTERM
  await app.listen(Number(process.env.PORT ?? 3300), process.env.HOST ?? '0.0.0.0');
  console.log(`calc-caller listening on ${await app.getUrl()}`);
}

void bootstrap();
