import { InstanceProtocol, ServiceInstance } from '../interfaces/service-instance.interface';
import { isRoutable } from '../resolution/routable';

/** Endpoints the HTTP call path may use. @internal */
export const HTTP_PROTOCOLS: readonly InstanceProtocol[] = ['http', 'https'];
/** Endpoints the gRPC call path may use. @internal */
export const GRPC_PROTOCOLS: readonly InstanceProtocol[] = ['grpc'];

/**
 * The candidates a caller can speak to: a service may register an HTTP and a gRPC endpoint under
 * one name, and each client keeps only its own protocol. Instances that are not routable (critical
 * or drained) are dropped too, whatever source listed them. The filtered list is memoised per source
 * array (the instance cache hands out the same frozen array until the service changes), so the
 * steady state allocates nothing; a list that already matches is returned as is. @internal
 */
export class ProtocolView {
  private readonly accepted: ReadonlySet<InstanceProtocol>;
  private readonly views = new WeakMap<readonly ServiceInstance[], readonly ServiceInstance[]>();

  constructor(readonly protocols: readonly InstanceProtocol[]) {
    this.accepted = new Set(protocols);
  }

  of(candidates: readonly ServiceInstance[]): readonly ServiceInstance[] {
    let view = this.views.get(candidates);
    if (view === undefined) {
      view = candidates.every((instance) => this.accepts(instance)) ? candidates : candidates.filter((i) => this.accepts(i));
      this.views.set(candidates, view);
    }
    return view;
  }

  accepts(instance: ServiceInstance): boolean {
    // Instances from older registries may lack the field: they are HTTP.
    return this.accepted.has(instance.protocol ?? 'http') && isRoutable(instance);
  }
}
