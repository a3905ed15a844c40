import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule, Params as LoggerParams } from 'nestjs-pino';
import { CHECK_PROVIDERS } from './checks/checks.providers';
import { Clock, systemClock } from './clock';
import { RegistryConfig, tokensRequired } from './config';
import { REGISTRY_CLOCK, REGISTRY_CONFIG, REGISTRY_STORE } from './registry.constants';
import { CONSUL_CONTROLLERS, CONSUL_PROVIDERS } from './consul/consul.providers';
import { TokenCheck } from './registry/auth/token.check';
import { ScopeGuard } from './registry/auth/scope.guard';
import { RegistrationAdmission } from './registry/admission/registration.admission';
import { InstanceRegistrar } from './registry/instance.registrar';
import { HealthController } from './registry/health.controller';
import { RegistrationLog } from './registry/registration.log';
import { RegistryController } from './registry/registry.controller';
import { RegistryExceptionFilter } from './registry/registry-exception.filter';
import { ServiceAnswers } from './registry/service-answers';
import { ServicesView } from './registry/services.view';
import { RegistryValidationPipe } from './registry/validation.pipe';
import { ServiceWatchController } from './registry/service-watch.controller';
import { WatchController } from './registry/watch.controller';
import { SelfPreservationHttpHooks } from './self-preservation/self-preservation.http-hooks';
import { SelfPreservation } from './self-preservation/self-preservation.service';
import { ExpirySweeper } from './store/expiry.sweeper';
import { RegistryStore } from './store/registry-store.interface';
import { SnapshotFile } from './store/snapshot.file';
import { SnapshotScheduler } from './store/snapshot.scheduler';
import { createRegistryStore } from './store/store.factory';
import { SubscriptionAnswers } from './watch/subscription.answers';
import { SubscriptionHub } from './watch/subscription.hub';
import { WatchHub } from './watch/watch.hub';
import { WatchSlotInterceptor } from './watch/watch-slot.interceptor';
import { UiModule } from './ui/ui.module';
import { LostSessionProbe } from './session/lost-session.probe';
import { SessionController } from './session/session.controller';
import { SessionHub } from './session/session.hub';
import { MetricsModule } from './metrics/metrics.module';

/** Options of {@link RegistryModule.forRoot} beyond the config. */
export interface RegistryModuleExtras {
  /** Time source; tests inject a controllable one. Default: the system clock. */
  clock?: Clock;
  /** nestjs-pino parameters (request logging with reqId); none: no request logging (in-process tests). */
  logging?: LoggerParams;
}

/**
 * The registry server as one module.
 * @example RegistryModule.forRoot(loadRegistryConfig(process.env))
 */
@Module({})
export class RegistryModule implements OnApplicationShutdown {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  /** Runs after every provider's own shutdown hook (sweeper stopped, last snapshot written). */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }

  static forRoot(config: RegistryConfig, extras: RegistryModuleExtras = {}): DynamicModule {
    const clock = extras.clock ?? systemClock;
    return {
      module: RegistryModule,
      imports: [
        ScheduleModule.forRoot(),
        UiModule,
        MetricsModule,
        ...(extras.logging ? [LoggerModule.forRoot(extras.logging)] : []),
      ],
      controllers: [RegistryController, WatchController, ServiceWatchController, SessionController, HealthController, ...CONSUL_CONTROLLERS],
      providers: [
        { provide: REGISTRY_CONFIG, useValue: config },
        { provide: REGISTRY_CLOCK, useValue: clock },
        // memory, Redis or etcd, from config.store; connected (or failed) before anything else starts.
        { provide: REGISTRY_STORE, useFactory: () => createRegistryStore(config, clock) },
        { provide: SnapshotFile, useFactory: () => new SnapshotFile(config.dataDir) },
        { provide: APP_PIPE, useClass: RegistryValidationPipe },
        { provide: APP_FILTER, useClass: RegistryExceptionFilter },
        TokenCheck,
        // No token configured (loopback only): every route is open, and a guard would only cost each request
        // Nest's async guard step. With tokens, one global guard checks each route's declared scope.
        ...(tokensRequired(config) ? [{ provide: APP_GUARD, useClass: ScopeGuard }] : []),
        InstanceRegistrar,
        RegistrationAdmission,
        ServicesView,
        ServiceAnswers,
        RegistrationLog,
        WatchHub,
        WatchSlotInterceptor,
        SubscriptionHub,
        SubscriptionAnswers,
        SnapshotScheduler,
        ExpirySweeper,
        ...CHECK_PROVIDERS,
        SelfPreservation,
        SelfPreservationHttpHooks,
        LostSessionProbe,
        SessionHub,
        ...CONSUL_PROVIDERS,
      ],
    };
  }
}
