import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { INSTANCE_SOURCE } from '../discovery.constants';
import { GrpcChannelPool, grpcAddressOf } from '../grpc/channel-pool';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { HTTP_TRANSPORT, HttpTransport, originOf } from './http-transport.interface';

/** The change events the registry-backed cache emits (duck-typed: custom sources may not). */
interface ChangeReporting {
  onChange(listener: (change: { added: readonly ServiceInstance[]; removed: readonly ServiceInstance[] }) => void): () => void;
}

function reportsChanges(source: InstanceSource): source is InstanceSource & ChangeReporting {
  return typeof (source as Partial<ChangeReporting>).onChange === 'function';
}

/** What a per-instance resource is kept by: the HTTP origin, or the gRPC address. */
function endpointOf(instance: ServiceInstance): string {
  return instance.protocol === 'grpc' ? `grpc://${grpcAddressOf(instance)}` : originOf(instance);
}

/**
 * When an instance leaves the cache, closes its HTTP connection pool or its gRPC channel and
 * forgets its circuit state, so none of them grows with churn. @internal
 */
@Injectable()
export class InstanceLifecycle implements OnModuleInit, OnApplicationShutdown {
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(INSTANCE_SOURCE) private readonly source: InstanceSource,
    @Inject(HTTP_TRANSPORT) private readonly transport: HttpTransport,
    private readonly ejection: OutlierEjection,
    @Optional() private readonly channels?: GrpcChannelPool,
  ) {}

  onModuleInit(): void {
    if (!reportsChanges(this.source)) return;
    this.unsubscribe = this.source.onChange(({ added, removed }) => {
      // Same address re-registered under a new id: keep its pool or channel.
      const stillThere = new Set(added.map(endpointOf));
      for (const instance of removed) {
        this.ejection.forget(instance.id);
        if (stillThere.has(endpointOf(instance))) continue;
        if (instance.protocol === 'grpc') this.channels?.release(instance);
        else this.transport.release?.(instance);
      }
    });
  }

  // With the transports, after the HTTP server closed: a graceful stop still follows the registry.
  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }
}
