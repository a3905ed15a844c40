import { RegistrationService } from '@app/discovery';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadCalcConfig } from './calc.config';
import { CalcModule } from './calc.module';
import { CalcGrpcServer } from './grpc/calc-grpc.server';
import { requestIdInterceptor } from './grpc/request-id.server-interceptor';

async function bootstrap(): Promise<void> {
  const config = loadCalcConfig();
  const app = await NestFactory.create<NestFastifyApplication>(CalcModule, new FastifyAdapter());
  app.enableShutdownHooks();

  // A hybrid app: the same module also serves calc.Calculator over gRPC.
  const registration = app.get(RegistrationService);
  const grpc = new CalcGrpcServer({
    host: config.grpcHost,
    port: config.grpcPort,
    interceptors: [requestIdInterceptor(() => registration.state().instanceId)],
  });
  app.connectMicroservice<MicroserviceOptions>({ strategy: grpc }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  // Registered beside the HTTP endpoint, as `<instance id>-grpc` with protocol grpc.
  registration.addEndpoint({ protocol: 'grpc', port: grpc.port });
  Logger.log(`gRPC listening on ${config.grpcHost}:${grpc.port}`, 'Bootstrap');

  await app.listen(config.port, config.host);
  Logger.log(`Calc listening on ${await app.getUrl()}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
});
