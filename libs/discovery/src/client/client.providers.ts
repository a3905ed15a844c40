import { Provider, Type } from '@nestjs/common';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { AxiosTransport } from './axios.transport';
import { HTTP_TRANSPORT, HttpTransport, TransportName } from './http-transport.interface';
import { InstanceLifecycle } from './instance-lifecycle';
import { ServiceClient } from './service-client';
import { UndiciTransport } from './undici.transport';

/**
 * Picks the transport: `transport` option if the options carry one, else `DISCOVERY_TRANSPORT`,
 * else undici. Connections per instance: `DISCOVERY_HTTP_CONNECTIONS` (default 32). @internal
 */
export function createTransport(config: ResolvedDiscoveryOptions, env: NodeJS.ProcessEnv = process.env): HttpTransport {
  const name = ((config as { transport?: string }).transport ?? env.DISCOVERY_TRANSPORT ?? 'undici') as TransportName;
  const connections = env.DISCOVERY_HTTP_CONNECTIONS ? Number(env.DISCOVERY_HTTP_CONNECTIONS) : undefined;
  if (connections !== undefined && !(Number.isInteger(connections) && connections > 0)) {
    throw new Error(`DISCOVERY_HTTP_CONNECTIONS must be a positive integer, got "${env.DISCOVERY_HTTP_CONNECTIONS}"`);
  }
  switch (name) {
    case 'undici':
      return new UndiciTransport({ connections });
    case 'axios':
      return new AxiosTransport({ connections });
    default:
      throw new Error(`Unknown transport "${String(name)}"; expected "undici" or "axios"`);
  }
}

/** Everything the call path needs; injected into DiscoveryModule. @internal */
export const CLIENT_PROVIDERS: Provider[] = [
  { provide: HTTP_TRANSPORT, useFactory: createTransport, inject: [DISCOVERY_CONFIG] },
  {
    provide: OutlierEjection,
    useFactory: (config: ResolvedDiscoveryOptions) => new OutlierEjection(config.outlierEjection),
    inject: [DISCOVERY_CONFIG],
  },
  { provide: StrategyRegistry, useFactory: () => new StrategyRegistry() },
  ServiceClient,
  InstanceLifecycle,
];

/** What DiscoveryModule exports from the call path. @internal */
export const CLIENT_EXPORTS: Array<Type | symbol | string> = [ServiceClient, HTTP_TRANSPORT];
