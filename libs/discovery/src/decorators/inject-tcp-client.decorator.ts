import { Inject } from '@nestjs/common';
import { tcpClientToken } from '../tcp/tcp-client.providers';

/**
 * Injects the fast-lane client registered with `DiscoveryModule.forTcpClients` under `name` (the client's
 * `name` option, else its `service`).
 *
 * @example
 * ```ts
 * constructor(@InjectTcpClient('calc') private readonly calc: TcpServiceClient) {}
 * ```
 */
export function InjectTcpClient(name: string): ParameterDecorator & PropertyDecorator {
  return Inject(tcpClientToken(name));
}
