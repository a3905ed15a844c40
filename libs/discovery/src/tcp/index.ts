// '@nest-discovery/discovery/tcp': the fast lane's classes built on @nestjs/microservices (an optional peer
// dependency, needed by apps that serve or call the fast lane). Clients are registered with
// DiscoveryModule.forTcpClients and injected with @InjectTcpClient, from the main entry point.
export { TcpServiceClient } from './tcp-service-client';
export { DiscoveryTcpServer } from './tcp-server.transport';
export type { DiscoveryTcpServerOptions } from './tcp-server.transport';
export { TcpCallContext } from './tcp-call.context';
export { TcpExceptionFilter } from './tcp-exception.filter';
export type { TcpCallLog } from './tcp-call.log';
export type { TcpCallOptions, TcpCallResult, TcpClientOptions } from './tcp-client-options.interface';
export { TCP_ENDPOINT } from './tcp-frame';
