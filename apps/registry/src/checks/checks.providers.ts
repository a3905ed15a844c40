import { Provider } from '@nestjs/common';
import { CheckType } from '../registry/instance.entity';
import { CheckLeadership } from './check.leadership';
import { GrpcProber } from './grpc.prober';
import { HEALTH_PROBERS } from './checks.constants';
import { HealthCheckScheduler } from './health-check.scheduler';
import { HealthProber } from './health-prober.interface';
import { HttpProber } from './http.prober';
import { TcpProber } from './tcp.prober';

/**
 * The active health checks, for the registry module's providers: one prober per check type (a new type is
 * one prober file plus one entry here), the lease among replicas, and the scheduler.
 */
export const CHECK_PROVIDERS: Provider[] = [
  HttpProber,
  TcpProber,
  GrpcProber,
  {
    provide: HEALTH_PROBERS,
    useFactory: (http: HttpProber, tcp: TcpProber, grpc: GrpcProber): Record<CheckType, HealthProber> => ({ http, tcp, grpc }),
    inject: [HttpProber, TcpProber, GrpcProber],
  },
  CheckLeadership,
  HealthCheckScheduler,
];
