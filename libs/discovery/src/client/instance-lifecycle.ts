import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { GRPC_OUTLIER_EJECTION, INSTANCE_SOURCE, TCP_OUTLIER_EJECTION } from '../discovery.constants';
import { GrpcChannelPool, grpcAddressOf } from '../grpc/channel-pool';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { HTTP_TRANSPORT, HttpTransport, originOf } from './http-transport.interface';
import { TcpConnectionPool, tcpAddressOf } from '../tcp/tcp-connection.pool';
import { TCP_ENDPOINT } from '../tcp/tcp-frame';
import { atEndpoint, GRPC_ENDPOINT } from './protocol-view';

/** The change events the registry-backed cache emits (duck-typed: custom sources may not). */
interface ChangeReporting {
  onChange(listener: (change: { added: readonly ServiceInstance[]; removed: readonly ServiceInstance[] }) => void): () => void;
}

function reportsChanges(source: InstanceSource): source is InstanceSource & ChangeReporting {
  return typeof (source as Partial<ChangeReporting>).onChange === 'function';
}

/** A per-instance resource: the HTTP pool of its primary address, the gRPC channel of its primary address or `grpc` endpoint, or the fast-lane connections of its `tcp` endpoint. */
interface Resource {
  /** What it is kept by: the HTTP origin, or the gRPC address. */
  readonly key: string;
  /** The instance as the client that opened it saw it (at the endpoint's port for a named endpoint). */
  readonly at: ServiceInstance;
  readonly kind: 'http' | 'grpc' | 'tcp';
}

function resourcesOf(instance: ServiceInstance): Resource[] {
  const resources: Resource[] = [];
  if (instance.protocol === 'grpc') resources.push({ key: `grpc://${grpcAddressOf(instance)}`, at: instance, kind: 'grpc' });
  else resources.push({ key: originOf(instance), at: instance, kind: 'http' });
  const grpc = atEndpoint(instance, GRPC_ENDPOINT);
  if (grpc !== undefined && grpc.protocol === 'grpc') resources.push({ key: `grpc://${grpcAddressOf(grpc)}`, at: grpc, kind: 'grpc' });
  const tcp = atEndpoint(instance, TCP_ENDPOINT);
  if (tcp !== undefined && instance.endpoints?.[TCP_ENDPOINT]?.protocol === 'tcp') {
    resources.push({ key: `tcp://${tcpAddressOf(tcp)}`, at: tcp, kind: 'tcp' });
  }
  return resources;
}

/**
 * When an instance leaves the cache, closes its HTTP connection pool and the gRPC channel of its
 * `grpc` endpoint (or of its address, for one registered as gRPC) and the fast-lane connections of its
 * `tcp` endpoint, and forgets its circuit state on
 * every call path, so none of them grows with churn. @internal
 */
@Injectable()
export class InstanceLifecycle implements OnModuleInit, OnApplicationShutdown {
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(INSTANCE_SOURCE) private readonly source: InstanceSource,
    @Inject(HTTP_TRANSPORT) private readonly transport: HttpTransport,
    private readonly ejection: OutlierEjection,
    @Optional() private readonly channels?: GrpcChannelPool,
    @Optional() @Inject(GRPC_OUTLIER_EJECTION) private readonly grpcEjection?: OutlierEjection,
    @Optional() private readonly tcpPool?: TcpConnectionPool,
    @Optional() @Inject(TCP_OUTLIER_EJECTION) private readonly tcpEjection?: OutlierEjection,
  ) {}

  onModuleInit(): void {
    if (!reportsChanges(this.source)) return;
    this.unsubscribe = this.source.onChange(({ added, removed }) => {
      // Same address re-registered under a new id: keep its pool or channel.
      const stillThere = new Set(added.flatMap((instance) => resourcesOf(instance).map((resource) => resource.key)));
      for (const instance of removed) {
        this.ejection.forget(instance.id);
        this.grpcEjection?.forget(instance.id);
        this.tcpEjection?.forget(instance.id);
        for (const { key, at, kind } of resourcesOf(instance)) {
          if (stillThere.has(key)) continue;
          if (kind === 'grpc') this.channels?.release(at);
          else if (kind === 'tcp') this.tcpPool?.release(at);
          else this.transport.release?.(at);
        }
      }
    });
  }

  // With the transports, after the HTTP server closed: a graceful stop still follows the registry.
  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }
}
