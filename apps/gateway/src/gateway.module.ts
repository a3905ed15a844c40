import { DiscoveryMetricsModule, DiscoveryModule } from '@nest-discovery/discovery';
import { loggerParams } from '@nest-discovery/discovery/logging';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { CalcController } from './calc.controller';
import { CalcClient } from './clients/calc.client';
import { DiscoveryExceptionFilter } from './discovery-exception.filter';
import { GatewayConfig } from './gateway.config';
import { GATEWAY_ROUTES } from './gateway.constants';
import { calcGrpcClient } from './grpc/calc-grpc.client';
import { GrpcCalcController } from './grpc/grpc-calc.controller';
import { HealthController } from './health.controller';
import { ProxyController } from './proxy/proxy.controller';
import { calcTcpClient } from './tcp/calc-tcp.client';
import { TcpCalcController } from './tcp/tcp-calc.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        // Request logging (reqId on every line); nestjs-pino reuses the pino instance main.ts made from the same parameters.
        LoggerModule.forRootAsync({ useFactory: () => loggerParams('gateway') }),
        DiscoveryModule.forRoot({ name: 'gateway' }),
        DiscoveryMetricsModule, // GET /metrics
        DiscoveryModule.forFeature([CalcClient]),
        // gRPC deadline: DISCOVERY_GRPC_DEADLINE_MS (default 5 s).
        DiscoveryModule.forGrpcClients([calcGrpcClient()]),
        // The fast lane (TCP): per-attempt timeout and retries are the module's (5 s, 2).
        DiscoveryModule.forTcpClients([calcTcpClient()]),
        TerminusModule,
      ],
      // ProxyController's catch-all route must be registered last so specific routes win.
      controllers: [HealthController, CalcController, GrpcCalcController, TcpCalcController, ProxyController],
      providers: [
        { provide: GATEWAY_ROUTES, useValue: config.routes },
        { provide: APP_FILTER, useClass: DiscoveryExceptionFilter },
      ],
    };
  }
}
