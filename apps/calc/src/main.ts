import { discoveryHttpsOptions, RegistrationService } from '@nest-discovery/discovery';
import { appLogger, genRequestId, loggerParams, useRequestLogging } from '@nest-discovery/discovery/logging';
import { DiscoveryTcpServer } from '@nest-discovery/discovery/tcp';
import { grpcServerTracing, startTracing, useRequestTracing } from '@nest-discovery/discovery/tracing';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { loadCalcConfig } from './calc.config';
import { CalcModule } from './calc.module';
import { CalcGrpcServer } from './grpc/calc-grpc.server';
import { pinoGrpcCallLog } from './grpc/grpc-call.log';
import { requestIdInterceptor } from './grpc/request-id.server-interceptor';
import { pinoTcpCallLog } from './tcp/tcp-call.log';

async function bootstrap(): Promise<void> {
  // First, so that even a bad variable below is reported as a JSON line.
  const logger = appLogger(loggerParams('calc'));
  Logger.overrideLogger(logger);
  const config = loadCalcConfig();
  // OpenTelemetry's SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (before any client exists); else nothing is loaded.
  const tracing = startTracing('calc');
  // request.id (and every log line's reqId) is the caller's X-Request-Id when it sent a sane one.
  // DISCOVERY_TLS_CERT/KEY set: HTTPS, registered as an https instance.
  const https = discoveryHttpsOptions();
  const adapter = new FastifyAdapter({ genReqId: genRequestId, ...(https && { https }) });
  // No useRequestContext: calc is a leaf. Its handlers call no one and log nothing (its request lines carry
  // reqId from request.id), so it keeps AsyncLocalStorage's promise hooks — a cost on every promise on
  // Node 20 — off; the one handler that calls on (the fault relay) enters the context itself.
  useRequestLogging(adapter.getInstance(), PinoLogger.root);
  // A server span per request, child of the caller's attempt (traceparent); no hook at all when tracing is off.
  useRequestTracing(adapter.getInstance(), { sdk: tracing });
  const app = await NestFactory.create<NestFastifyApplication>(CalcModule, adapter, { logger });
  app.enableShutdownHooks();

  // A hybrid app: the same module also serves calc.Calculator over gRPC.
  const registration = app.get(RegistrationService);
  const grpc = new CalcGrpcServer({
    host: config.grpcHost,
    port: config.grpcPort,
    interceptors: [
      // A server span per gRPC call, child of the caller's attempt: only while tracing is on.
      ...[grpcServerTracing()].filter((interceptor) => interceptor !== undefined),
      // Likewise its gRPC methods run without the request context: the call lines still carry reqId.
      requestIdInterceptor(() => registration.state().instanceId, pinoGrpcCallLog(PinoLogger.root, { context: false })),
    ],
  });
  app.connectMicroservice<MicroserviceOptions>({ strategy: grpc }, { inheritAppConfig: true });
  // And over the fast lane: the same handlers' arithmetic as @MessagePattern handlers, length-prefixed JSON
  // frames on persistent TCP connections; request ids in the call lines, no request context (a leaf, as above).
  const tcp = new DiscoveryTcpServer({
    host: config.tcpHost,
    port: config.tcpPort,
    callLog: pinoTcpCallLog(PinoLogger.root, { context: false }),
  });
  app.connectMicroservice<MicroserviceOptions>({ strategy: tcp }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  // The instance's named endpoints `grpc` and `tcp`, at the ports actually bound (GRPC_PORT/TCP_PORT=0 or PORT=0: free ones).
  registration.addEndpoint({ name: 'grpc', protocol: 'grpc', port: grpc.port });
  Logger.log(`gRPC listening on ${config.grpcHost}:${grpc.port}`, 'Bootstrap');
  registration.addEndpoint({ name: 'tcp', protocol: 'tcp', port: tcp.port });
  Logger.log(`TCP listening on ${config.tcpHost}:${tcp.port}`, 'Bootstrap');

  await app.listen(config.port, config.host);
  Logger.log(`Calc listening on ${await app.getUrl()}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
});
