import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CLIENT_EXPORTS, CLIENT_PROVIDERS } from './client/client.providers';
import { createRemoteClientProviders } from './client/remote-client.providers';
import { resolveDiscoveryOptions } from './config/resolve-options';
import { DiscoveryFeatureModule } from './discovery-feature.module';
import { DISCOVERY_CONFIG, INSTANCE_SOURCE } from './discovery.constants';
import { ConfigurableModuleClass, DISCOVERY_MODULE_OPTIONS } from './discovery.module-definition';
import { DiscoveryHealthIndicator } from './health/discovery.health-indicator';
import { DiscoveryModuleOptions } from './interfaces/discovery-options.interface';
import { HeartbeatService } from './registration/heartbeat.service';
import { RegistrationService } from './registration/registration.service';
import { RegistryHttpClient } from './registration/registry-http.client';
import { InstanceCache } from './resolution/instance-cache';
import { RegistryWatcher } from './resolution/registry-watcher';

const configProvider: Provider = {
  provide: DISCOVERY_CONFIG,
  // Validated here, once, so a bad option fails the app's start naming the option.
  useFactory: (options: DiscoveryModuleOptions) => resolveDiscoveryOptions(options),
  inject: [DISCOVERY_MODULE_OPTIONS],
};

/**
 * Registers the app with the service registry, keeps the registration alive, and resolves and
 * load-balances other services by name. Global by default (`isGlobal: false` to opt out).
 *
 * @example
 * ```ts
 * \@Module({
 *   imports: [DiscoveryModule.forRoot({ name: 'calc' }), DiscoveryModule.forFeature([CalcClient])],
 * })
 * export class AppModule {}
 * // main.ts: app.enableShutdownHooks() so the instance deregisters on SIGTERM.
 * ```
 */
@Module({
  // Deduplicated by Nest if the app also calls ScheduleModule.forRoot().
  imports: [ScheduleModule.forRoot()],
  providers: [
    configProvider,
    RegistryHttpClient,
    InstanceCache,
    { provide: INSTANCE_SOURCE, useExisting: InstanceCache },
    RegistryWatcher,
    HeartbeatService,
    RegistrationService,
    // Stateless terminus helper provided here, so the indicator works without TerminusModule.
    HealthIndicatorService,
    DiscoveryHealthIndicator,
    ...CLIENT_PROVIDERS,
  ],
  exports: [
    DISCOVERY_CONFIG,
    INSTANCE_SOURCE,
    InstanceCache,
    RegistrationService,
    DiscoveryHealthIndicator,
    ...CLIENT_EXPORTS,
  ],
})
export class DiscoveryModule extends ConfigurableModuleClass {
  /**
   * Provides declarative clients (classes decorated with `@RemoteService`) for injection.
   * Needs `DiscoveryModule.forRoot` (global) somewhere in the app.
   */
  static forFeature(clients: Type[]): DynamicModule {
    return { module: DiscoveryFeatureModule, providers: createRemoteClientProviders(clients), exports: clients };
  }
}
