import { tlsClientOptions } from '@nest-discovery/registry-api';
import { Provider, Type } from '@nestjs/common';
import { DISCOVERY_CONFIG, GRPC_OUTLIER_EJECTION, TCP_OUTLIER_EJECTION } from '../discovery.constants';
import { GrpcChannelPool } from '../grpc/channel-pool';
import { GrpcClientFactory } from '../grpc/grpc-client.factory';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { TcpClientFactory } from '../tcp/tcp-client.factory';
import { TcpConnectionPool } from '../tcp/tcp-connection.pool';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { HTTP_TRANSPORT, HttpTransport } from './http-transport.interface';
import { InstanceLifecycle } from './instance-lifecycle';
import { ServiceClient } from './service-client';
import { UndiciTransport } from './undici.transport';

/**
 * The call path's HTTP client, as the resolved options choose it. The axios transport is loaded only when
 * chosen: axios is an optional peer dependency of the package. @internal
 */
export function createTransport(config: ResolvedDiscoveryOptions): HttpTransport {
  // TLS options only for https instances' connections, built once here (never per call).
  const options = { connections: config.connectionsPerInstance, ...(config.tls && { tls: tlsClientOptions(config.tls) }) };
  if (config.transport !== 'axios') return new UndiciTransport(options);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const { AxiosTransport } = require('./axios.transport') as typeof import('./axios.transport');
  return new AxiosTransport(options);
}

/** Everything the call path needs; injected into DiscoveryModule. @internal */
export const CLIENT_PROVIDERS: Provider[] = [
  { provide: HTTP_TRANSPORT, useFactory: createTransport, inject: [DISCOVERY_CONFIG] },
  {
    provide: OutlierEjection,
    useFactory: (config: ResolvedDiscoveryOptions) => new OutlierEjection(config.outlierEjection),
    inject: [DISCOVERY_CONFIG],
  },
  {
    provide: GRPC_OUTLIER_EJECTION,
    useFactory: (config: ResolvedDiscoveryOptions) => new OutlierEjection(config.outlierEjection),
    inject: [DISCOVERY_CONFIG],
  },
  {
    provide: TCP_OUTLIER_EJECTION,
    useFactory: (config: ResolvedDiscoveryOptions) => new OutlierEjection(config.outlierEjection),
    inject: [DISCOVERY_CONFIG],
  },
  { provide: StrategyRegistry, useFactory: () => new StrategyRegistry() },
  ServiceClient,
  {
    provide: GrpcChannelPool,
    useFactory: (config: ResolvedDiscoveryOptions) =>
      new GrpcChannelPool({ channelOptions: config.grpc.channelOptions, credentials: config.grpc.credentials }),
    inject: [DISCOVERY_CONFIG],
  },
  GrpcClientFactory,
  {
    provide: TcpConnectionPool,
    useFactory: (config: ResolvedDiscoveryOptions) => new TcpConnectionPool(config.tcp.connectionsPerInstance),
    inject: [DISCOVERY_CONFIG],
  },
  TcpClientFactory,
  InstanceLifecycle,
];

/** What DiscoveryModule exports from the call path. @internal */
export const CLIENT_EXPORTS: Array<Type | symbol | string> = [ServiceClient, HTTP_TRANSPORT, GrpcClientFactory, GrpcChannelPool, TcpClientFactory, TcpConnectionPool];
