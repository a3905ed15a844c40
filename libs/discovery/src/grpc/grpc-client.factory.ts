import { Inject, Injectable, Optional } from '@nestjs/common';
import { protocolPipeline } from '../call/protocol-pipeline';
import { GRPC_ENDPOINT, GRPC_PROTOCOLS, ProtocolView } from '../client/protocol-view';
import { DiscoveryConfigError } from '../config/discovery-config.error';
import { DISCOVERY_CONFIG, GRPC_OUTLIER_EJECTION, INSTANCE_SOURCE } from '../discovery.constants';
import { GRPC_STREAMING_METHOD, GRPC_UNKNOWN_METHOD, INVALID_GRPC_OPTION } from '../errors/error.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { DiscoveryMetrics } from '../metrics/discovery.metrics';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { GrpcChannelPool } from './channel-pool';
import { GrpcClientOptions } from './grpc-client-options.interface';
import { CompiledGrpcMethod, GrpcClientRuntime, GrpcServiceClient } from './grpc-service-client';
import { DEFAULT_PROTO_LOADER_OPTIONS, loadGrpcService } from './proto-definition.loader';

/**
 * Builds load-balanced gRPC clients on the module's shared machinery: the instance cache, outlier
 * ejection, channel pool and retry backoff. `DiscoveryModule.forGrpcClients` uses it; inject it to
 * build clients at run time. Options are checked here, so a bad one fails at start naming it.
 *
 * @example
 * ```ts
 * const calc = factory.create<CalculatorDefinition>({
 *   service: 'calc', protoPath: 'proto/calc.proto', grpcService: 'calc.Calculator', idempotent: true,
 * });
 * ```
 */
@Injectable()
export class GrpcClientFactory {
  private readonly runtime: GrpcClientRuntime;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    @Inject(INSTANCE_SOURCE) private readonly source: InstanceSource,
    @Inject(GRPC_OUTLIER_EJECTION) ejection: OutlierEjection,
    channels: GrpcChannelPool,
    @Optional() metrics?: DiscoveryMetrics,
  ) {
    this.runtime = {
      pipeline: protocolPipeline(config, source, ejection, new ProtocolView(GRPC_PROTOCOLS, GRPC_ENDPOINT), 'grpc'),
      // Strategy state (round-robin position, latency averages) kept apart from the HTTP clients'.
      strategies: new StrategyRegistry(),
      channels,
      metrics,
    };
  }

  create<D = unknown>(options: GrpcClientOptions): GrpcServiceClient<D> {
    const { service, grpcService } = options;
    if (typeof service !== 'string' || service === '') fail('service', 'a registered service name', service);
    this.source.subscribe?.(service);
    const definitions = loadGrpcService(options.protoPath, grpcService, options.loader ?? DEFAULT_PROTO_LOADER_OPTIONS);
    const known = [...definitions.keys()];
    const idempotent = options.idempotent ?? [];
    if (idempotent !== true) {
      for (const name of idempotent) {
        if (!definitions.has(name)) throw new DiscoveryConfigError('idempotent', GRPC_UNKNOWN_METHOD(grpcService, name, known));
      }
    }
    const methods = new Map<string, CompiledGrpcMethod>();
    for (const [name, definition] of definitions) {
      if (definition.requestStream || definition.responseStream) {
        if (idempotent !== true && idempotent.includes(name)) {
          throw new DiscoveryConfigError('idempotent', GRPC_STREAMING_METHOD(grpcService, name));
        }
        continue;
      }
      methods.set(name, { definition, idempotent: idempotent === true || idempotent.includes(name) });
    }
    const deadlineMs = options.deadlineMs ?? this.config.grpc.deadlineMs;
    if (!(deadlineMs > 0)) fail('deadlineMs', 'a positive number of ms', deadlineMs);
    const retries = options.retries ?? this.config.retries;
    if (!Number.isInteger(retries) || retries < 0) fail('retries', 'a non-negative integer', retries);
    const loadBalancing = options.loadBalancing ?? this.config.loadBalancing;
    StrategyRegistry.validate(loadBalancing);
    const interceptors = [...this.config.grpc.interceptors, ...(options.interceptors ?? [])];
    if (interceptors.some((i) => typeof i?.intercept !== 'function')) {
      fail('interceptors', 'objects with an intercept(ctx, next) method', options.interceptors);
    }
    return new GrpcServiceClient<D>(
      { service, grpcService, methods, deadlineMs, retries, loadBalancing, filter: options.filter, interceptors },
      this.runtime,
    );
  }
}

function fail(option: string, expected: string, got: unknown): never {
  throw new DiscoveryConfigError(option, INVALID_GRPC_OPTION(option, expected, got));
}
