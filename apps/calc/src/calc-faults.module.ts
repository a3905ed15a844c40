import {
  BadRequestException,
  Body,
  CallHandler,
  Controller,
  DynamicModule,
  ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  Module,
  NestInterceptor,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Observable } from 'rxjs';
import { CalcController } from './calc.controller';
import { HealthController } from './health.controller';

/** The faults injected into this instance, and what it served meanwhile. */
@Injectable()
class CalcFaults {
  healthFailing = false;
  /** Arithmetic requests (`/add`, `/sub`, …) this instance answered. */
  served = 0;
}

export interface FaultState {
  healthFailing: boolean;
  served: number;
}

/** Makes `GET /health` answer 503 while a fault is set, and counts the arithmetic calls served. */
@Injectable()
class FaultInterceptor implements NestInterceptor {
  constructor(private readonly faults: CalcFaults) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const controller = context.getClass();
      if (controller === HealthController && this.faults.healthFailing) {
        throw new ServiceUnavailableException('health is failing on purpose (POST /fault/health)');
      }
      if (controller === CalcController) this.faults.served++;
    }
    return next.handle();
  }
}

@Controller('fault')
class FaultController {
  constructor(private readonly faults: CalcFaults) {}

  @Get()
  state(): FaultState {
    return { healthFailing: this.faults.healthFailing, served: this.faults.served };
  }

  /** `{ "failing": true }` makes `/health` answer 503 (the rest keeps working); `false` heals it. */
  @Post('health')
  @HttpCode(200)
  setHealth(@Body() body: unknown): FaultState {
    const failing = (body as { failing?: unknown } | null)?.failing;
    if (typeof failing !== 'boolean') throw new BadRequestException('failing must be true or false');
    this.faults.healthFailing = failing;
    return this.state();
  }
}

@Module({
  controllers: [FaultController],
  providers: [CalcFaults, { provide: APP_INTERCEPTOR, useClass: FaultInterceptor }],
})
class EnabledFaultsModule {}

/**
 * Fault injection for tests and demos, off unless `CALC_FAULTS=1` (then, and only then, the routes exist):
 * `POST /fault/health {"failing": true|false}` fails or heals this instance's `GET /health` while its
 * arithmetic keeps answering — what a registry health check must catch — and `GET /fault` answers
 * `{ healthFailing, served }`, `served` counting the arithmetic calls this instance answered.
 */
@Module({})
export class CalcFaultsModule {
  static fromEnv(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return env.CALC_FAULTS === '1' ? { module: CalcFaultsModule, imports: [EnabledFaultsModule] } : { module: CalcFaultsModule };
  }
}
