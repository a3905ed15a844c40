import { Inject, Injectable, Optional } from '@nestjs/common';
import { protocolPipeline } from '../call/protocol-pipeline';
import { ProtocolView, TCP_PROTOCOLS } from '../client/protocol-view';
import { DiscoveryConfigError } from '../config/discovery-config.error';
import { DISCOVERY_CONFIG, INSTANCE_SOURCE, TCP_OUTLIER_EJECTION } from '../discovery.constants';
import { INVALID_TCP_OPTION } from '../errors/error.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { DiscoveryMetrics } from '../metrics/discovery.metrics';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { TcpClientOptions } from './tcp-client-options.interface';
import { TcpConnectionPool } from './tcp-connection.pool';
import { TCP_ENDPOINT } from './tcp-frame';
import type { TcpClientRuntime, TcpServiceClient } from './tcp-service-client';

/**
 * Builds fast-lane clients on the module's shared machinery: the instance cache, the fast lane's own
 * outlier ejection, the connection pool and the retry backoff. `DiscoveryModule.forTcpClients` uses it;
 * inject it to build clients at run time. Options are checked here, so a bad one fails at start naming it.
 *
 * @example
 * ```ts
 * const calc = factory.create({ service: 'calc', idempotent: true });
 * const { result } = await calc.call<{ result: number }>('add', { a: 1, b: 2 });
 * ```
 */
@Injectable()
export class TcpClientFactory {
  private readonly runtime: TcpClientRuntime;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    @Inject(INSTANCE_SOURCE) private readonly source: InstanceSource,
    @Inject(TCP_OUTLIER_EJECTION) ejection: OutlierEjection,
    pool: TcpConnectionPool,
    @Optional() metrics?: DiscoveryMetrics,
  ) {
    this.runtime = {
      pipeline: protocolPipeline(config, source, ejection, new ProtocolView(TCP_PROTOCOLS, TCP_ENDPOINT), 'tcp'),
      strategies: new StrategyRegistry(),
      pool,
      metrics,
    };
  }

  create(options: TcpClientOptions): TcpServiceClient {
    const { service } = options;
    if (typeof service !== 'string' || service === '') fail('service', 'a registered service name', service);
    this.source.subscribe?.(service);
    const idempotent = options.idempotent ?? false;
    if (typeof idempotent !== 'boolean' && !(Array.isArray(idempotent) && idempotent.every((p) => typeof p === 'string'))) {
      fail('idempotent', 'true, false or a list of patterns', idempotent);
    }
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    if (!(timeoutMs > 0)) fail('timeoutMs', 'a positive number of ms', timeoutMs);
    if (options.deadlineMs !== undefined && !(options.deadlineMs > 0)) fail('deadlineMs', 'a positive number of ms', options.deadlineMs);
    const retries = options.retries ?? this.config.retries;
    if (!Number.isInteger(retries) || retries < 0) fail('retries', 'a non-negative integer', retries);
    const loadBalancing = options.loadBalancing ?? this.config.loadBalancing;
    StrategyRegistry.validate(loadBalancing);
    // Loaded on first use: it extends @nestjs/microservices' ClientProxy, an optional peer dependency that
    // apps making no fast-lane calls need not install.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TcpServiceClient: Client } = require('./tcp-service-client') as typeof import('./tcp-service-client');
    return new Client(
      {
        service,
        idempotent: idempotent === true ? true : new Set(idempotent === false ? [] : idempotent),
        timeoutMs,
        deadlineMs: options.deadlineMs,
        retries,
        loadBalancing,
        filter: options.filter,
      },
      this.runtime,
    );
  }
}

function fail(option: string, expected: string, got: unknown): never {
  throw new DiscoveryConfigError(option, INVALID_TCP_OPTION(option, expected, got));
}
