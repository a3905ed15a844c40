import { Provider } from '@nestjs/common';
import { GrpcClientFactory } from './grpc-client.factory';
import { GrpcClientOptions } from './grpc-client-options.interface';

/**
 * Injection token of the gRPC client registered under `name` (its `name` option, else its service).
 *
 * @example
 * ```ts
 * const calc = app.get<GrpcServiceClient<CalculatorDefinition>>(grpcClientToken('calc'));
 * ```
 */
export function grpcClientToken(name: string): string {
  return `discovery:grpc-client:${name}`;
}

/** One provider per client, built by the module's {@link GrpcClientFactory}. @internal */
export function createGrpcClientProviders(clients: readonly GrpcClientOptions[]): Provider[] {
  const seen = new Set<string>();
  return clients.map((options) => {
    const name = options.name ?? options.service;
    if (seen.has(name)) throw new Error(`Two gRPC clients are named "${name}": give one a distinct "name"`);
    seen.add(name);
    return {
      provide: grpcClientToken(name),
      useFactory: (factory: GrpcClientFactory) => factory.create(options),
      inject: [GrpcClientFactory],
    };
  });
}
