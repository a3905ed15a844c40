import { DiscoveryModule } from '@nest-discovery/discovery';
import { Module } from '@nestjs/common';
import { CalcClient } from './calc.client';
import { SumController } from './sum.controller';

@Module({
  imports: [
    // Registers this app as `calc-caller` once it listens (REGISTRY_URL, default http://127.0.0.1:3100).
    DiscoveryModule.forRoot({ name: 'calc-caller' }),
    DiscoveryModule.forFeature([CalcClient]),
  ],
  controllers: [SumController],
})
export class AppModule {}
