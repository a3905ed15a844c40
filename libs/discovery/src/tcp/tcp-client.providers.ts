import { Provider } from '@nestjs/common';
import { TcpClientFactory } from './tcp-client.factory';
import { TcpClientOptions } from './tcp-client-options.interface';

/**
 * Injection token of the fast-lane client registered under `name` (its `name` option, else its service).
 *
 * @example
 * ```ts
 * const calc = app.get<TcpServiceClient>(tcpClientToken('calc'));
 * ```
 */
export function tcpClientToken(name: string): string {
  return `discovery:tcp-client:${name}`;
}

/** One provider per client, built by the module's {@link TcpClientFactory}. @internal */
export function createTcpClientProviders(clients: readonly TcpClientOptions[]): Provider[] {
  const seen = new Set<string>();
  return clients.map((options) => {
    const name = options.name ?? options.service;
    if (seen.has(name)) throw new Error(`Two fast-lane clients are named "${name}": give one a distinct "name"`);
    seen.add(name);
    return {
      provide: tcpClientToken(name),
      useFactory: (factory: TcpClientFactory) => factory.create(options),
      inject: [TcpClientFactory],
    };
  });
}
