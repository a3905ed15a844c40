import { Provider, Type } from '@nestjs/common';
import { createRemoteClient } from './remote-client.factory';
import { ServiceClient } from './service-client';

/**
 * One provider per `@RemoteService` class, each built from the class's decorator metadata over
 * the module's {@link ServiceClient}. Used by `DiscoveryModule.forFeature(clients)`. @internal
 */
export function createRemoteClientProviders(clients: Type[]): Provider[] {
  return clients.map((type) => ({
    provide: type,
    useFactory: (client: ServiceClient) => createRemoteClient(type, client),
    inject: [ServiceClient],
  }));
}
