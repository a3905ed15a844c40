import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CLIENT_EXPORTS, CLIENT_PROVIDERS } from './client/client.providers';
import { createRemoteClientProviders } from './client/remote-client.providers';
import { resolveDiscoveryOptions } from './config/resolve-options';
import { DiscoveryFeatureModule } from './discovery-feature.module';
import { DISCOVERY_CONFIG, INSTANCE_SOURCE } from './discovery.constants';
import { ConfigurableModuleClass, DISCOVERY_MODULE_OPTIONS } from './discovery.module-definition';
import { GrpcClientOptions } from './grpc/grpc-client-options.interface';
import { createGrpcClientProviders } from './grpc/grpc-client.providers';
import { TcpClientOptions } from './tcp/tcp-client-options.interface';
import { createTcpClientProviders } from './tcp/tcp-client.providers';
import { DiscoveryHealthIndicator } from './health/discovery.health-indicator';
import { DiscoveryModuleOptions } from './interfaces/discovery-options.interface';
import { GracefulDrain } from './registration/graceful-drain';
import { HeartbeatService } from './registration/heartbeat.service';
import { InFlightRequests } from './registration/in-flight-requests';
import { RegistrationService } from './registration/registration.service';
import { RegistryHttpClient } from './registration/registry-http.client';
import { RegistrySession } from './registration/registry-session';
import { InstanceCache } from './resolution/instance-cache';
import { DiscoveryMetrics } from './metrics/discovery.metrics';
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
 * // main.ts: app.enableShutdownHooks() so the instance drains and deregisters on SIGTERM.
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
    InFlightRequests,
    GracefulDrain,
    RegistrySession,
    RegistrationService,
    // Stateless terminus helper provided here, so the indicator works without TerminusModule.
    HealthIndicatorService,
    DiscoveryHealthIndicator,
    DiscoveryMetrics,
    ...CLIENT_PROVIDERS,
  ],
  exports: [
    DISCOVERY_CONFIG,
    INSTANCE_SOURCE,
    InstanceCache,
    RegistrationService,
    DiscoveryHealthIndicator,
    DiscoveryMetrics,
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

  /**
   * Provides load-balanced gRPC clients, one per entry, injected with `@InjectGrpcClient(name)`.
   * Needs `DiscoveryModule.forRoot` (global) somewhere in the app; its `grpc` options are the defaults.
   * A bad option, proto or method name fails the app's start naming it.
   *
   * @example
   * ```ts
   * DiscoveryModule.forGrpcClients([
   *   { service: 'calc', protoPath: join(__dirname, 'proto/calc.proto'), grpcService: 'calc.Calculator', idempotent: true },
   * ])
   * ```
   */
  static forGrpcClients(clients: readonly GrpcClientOptions[]): DynamicModule {
    const providers = createGrpcClientProviders(clients);
    return {
      module: DiscoveryFeatureModule,
      providers,
      exports: providers.map((provider) => (provider as { provide: string }).provide),
    };
  }

  /**
   * Provides fast-lane (TCP) clients — `ClientProxy`s resolved and balanced by discovery — one per entry,
   * injected with `@InjectTcpClient(name)`. Needs `DiscoveryModule.forRoot` (global) somewhere in the app.
   * A bad option fails the app's start naming it.
   *
   * @example
   * ```ts
   * DiscoveryModule.forTcpClients([{ service: 'calc', idempotent: true }])
   * ```
   */
  static forTcpClients(clients: readonly TcpClientOptions[]): DynamicModule {
    const providers = createTcpClientProviders(clients);
    return {
      module: DiscoveryFeatureModule,
      providers,
      exports: providers.map((provider) => (provider as { provide: string }).provide),
    };
  }
}
