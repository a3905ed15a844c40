import { DiscoveryMetricsModule, DiscoveryModule } from '@nest-discovery/discovery';
import { loggerParams } from '@nest-discovery/discovery/logging';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { CalcController } from './calc.controller';
import { CalcFaultsModule } from './calc-faults.module';
import { CalcService } from './calc.service';
import { CalcGrpcController } from './grpc/calc.grpc-controller';
import { HealthGrpcController } from './grpc/health.grpc-controller';
import { HealthController } from './health.controller';
import { InfoController } from './info.controller';
import { CalcTcpController } from './tcp/calc.tcp-controller';

@Module({
  imports: [
    // Request logging (reqId on every line); nestjs-pino reuses the pino instance main.ts made from the same parameters.
    LoggerModule.forRootAsync({ useFactory: () => loggerParams('calc') }),
    DiscoveryModule.forRoot({ name: 'calc' }),
    DiscoveryMetricsModule, // GET /metrics
    TerminusModule,
    CalcFaultsModule.fromEnv(),
  ],
  controllers: [CalcController, CalcGrpcController, HealthGrpcController, CalcTcpController, HealthController, InfoController],
  providers: [CalcService],
})
export class CalcModule {}
