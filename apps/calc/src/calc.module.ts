import { DiscoveryModule } from '@app/discovery';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CalcController } from './calc.controller';
import { CalcService } from './calc.service';
import { CalcGrpcController } from './grpc/calc.grpc-controller';
import { HealthController } from './health.controller';
import { InfoController } from './info.controller';

@Module({
  imports: [DiscoveryModule.forRoot({ name: 'calc' }), TerminusModule],
  controllers: [CalcController, CalcGrpcController, HealthController, InfoController],
  providers: [CalcService],
})
export class CalcModule {}
