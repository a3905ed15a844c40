import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { INSTANCE_SOURCE } from '../discovery.constants';
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

/**
 * When an instance leaves the cache, closes its connection pool and forgets its circuit state,
 * so neither grows with churn. @internal
 */
@Injectable()
export class InstanceLifecycle implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(INSTANCE_SOURCE) private readonly source: InstanceSource,
    @Inject(HTTP_TRANSPORT) private readonly transport: HttpTransport,
    private readonly ejection: OutlierEjection,
  ) {}

  onModuleInit(): void {
    if (!reportsChanges(this.source)) return;
    this.unsubscribe = this.source.onChange(({ added, removed }) => {
      // Same address re-registered under a new id: keep its pool.
      const stillThere = new Set(added.map(originOf));
      for (const instance of removed) {
        this.ejection.forget(instance.id);
        if (!stillThere.has(originOf(instance))) this.transport.release?.(instance);
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
