import { SetMetadata } from '@nestjs/common';
import { REMOTE_SERVICE_METADATA } from '../discovery.constants';
import { RemoteServiceMetadata, RemoteServiceOptions } from './remote-client.metadata';

/**
 * Marks a class as a declarative client of the service `name`. Register the class with
 * `DiscoveryModule.forFeature([CalcClient])` and inject it like any provider.
 *
 * @example
 * ```ts
 * @RemoteService('calc', { loadBalancing: 'weighted' })
 * export class CalcClient {
 *   @RemoteGet('/add/:a/:b', { response: AddResult })
 *   add(@PathParam('a') a: number, @PathParam('b') b: number): Promise<AddResult> {
 *     return unimplemented();
 *   }
 * }
 * ```
 */
export function RemoteService(name: string, options: RemoteServiceOptions = {}): ClassDecorator {
  const metadata: RemoteServiceMetadata = { name, options };
  return SetMetadata(REMOTE_SERVICE_METADATA, metadata);
}
