import {
  BadRequestException,
  Body,
  CallHandler,
  Controller,
  DynamicModule,
  ExecutionContext,
  Get,
  HttpCode,
  HttpException,
  Injectable,
  Param,
  Query,
  Req,
  Module,
  NestInterceptor,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { DiscoveryError, ServiceClient } from '@nest-discovery/discovery';
import { RequestContext, requestScopeOf } from '@nest-discovery/discovery/logging';
import type { FastifyRequest } from 'fastify';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { Observable } from 'rxjs';
import { CalcController } from './calc.controller';
import { HealthController } from './health.controller';

/** The faults injected into this instance, and what it served meanwhile. */
@Injectable()
class CalcFaults {
  healthFailing = false;
  /** Share of arithmetic requests answered 503 (a brownout), 0 to 1. */
  failRatio = 0;
  /** Arithmetic requests (`/add`, `/sub`, …) this instance answered. */
  served = 0;
  /** Arithmetic requests it failed on purpose. */
  failed = 0;
}

export interface FaultState {
  healthFailing: boolean;
  failRatio: number;
  served: number;
  failed: number;
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
      if (controller === CalcController) {
        this.faults.served++;
        // Every other call at 0.5, evenly spread, so a test's counts are exact rather than random.
        if (this.faults.failRatio > 0 && (this.faults.served * this.faults.failRatio) % 1 < this.faults.failRatio) {
          this.faults.failed++;
          throw new ServiceUnavailableException('failing on purpose (POST /fault/brownout)');
        }
      }
    }
    return next.handle();
  }
}

@Controller('fault')
class FaultController {
  constructor(
    private readonly faults: CalcFaults,
    private readonly services: ServiceClient,
  ) {}

  @Get()
  state(): FaultState {
    const { healthFailing, failRatio, served, failed } = this.faults;
    return { healthFailing, failRatio, served, failed };
  }

  /** `{ "failRatio": 0.5 }` answers that share of arithmetic calls 503 (a brownout); 0 heals it. */
  @Post('brownout')
  @HttpCode(200)
  setBrownout(@Body() body: unknown): FaultState {
    const ratio = (body as { failRatio?: unknown } | null)?.failRatio;
    if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) throw new BadRequestException('failRatio must be a number from 0 to 1');
    this.faults.failRatio = ratio;
    return this.state();
  }

  /**
   * Takes `delayMs` (a slow step of this instance), then calls `service` at `path` through the discovery
   * client and answers what it got: a hop in the middle of a chain, for deadline tests. A call the
   * request's budget no longer covers fails unsent (504).
   */
  @Get('relay/:service')
  async relay(
    @Req() request: FastifyRequest,
    @Param('service') service: string,
    @Query('path') path = '/',
    @Query('delayMs') delayMs = '0',
  ): Promise<unknown> {
    // calc enters the request context only here, the one handler that calls on (see main.ts): its budget counts from now.
    const scope = requestScopeOf(request);
    const delay = Number(delayMs);
    if (!Number.isInteger(delay) || delay < 0 || delay > 60_000) throw new BadRequestException('delayMs must be an integer of ms up to 60000');
    if (!path.startsWith('/')) throw new BadRequestException('path must start with /');
    await sleep(delay);
    try {
      return await RequestContext.run(scope, () => this.services.request({ service, path }));
    } catch (error) {
      if (error instanceof DiscoveryError) throw new HttpException({ statusCode: error.httpStatus, code: error.code, message: error.message }, error.httpStatus);
      throw error;
    }
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
 * arithmetic keeps answering — what a registry health check must catch; `POST /fault/brownout
 * {"failRatio": 0.5}` answers that share of arithmetic calls 503; `GET /fault/relay/:service?path=&delayMs=`
 * is a slow middle hop calling another service; `GET /fault` answers `{ healthFailing, failRatio, served,
 * failed }`, `served` counting the arithmetic calls this instance answered.
 */
@Module({})
export class CalcFaultsModule {
  static fromEnv(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return env.CALC_FAULTS === '1' ? { module: CalcFaultsModule, imports: [EnabledFaultsModule] } : { module: CalcFaultsModule };
  }
}
