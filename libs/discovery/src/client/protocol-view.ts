import { EndpointProtocol, InstanceProtocol, ServiceInstance } from '../interfaces/service-instance.interface';
import { isEndpointRoutable, isRoutable } from '../resolution/routable';

/** Endpoints the HTTP call path may use. @internal */
export const HTTP_PROTOCOLS: readonly InstanceProtocol[] = ['http', 'https'];
/** Endpoints the gRPC call path may use. @internal */
export const GRPC_PROTOCOLS: readonly InstanceProtocol[] = ['grpc'];
/** The named endpoint gRPC callers call on an instance whose primary address is HTTP. @internal */
export const GRPC_ENDPOINT = 'grpc';
/** Endpoints the fast lane (TCP) may use: always a named endpoint (`tcp`) of an instance. @internal */
export const TCP_PROTOCOLS: readonly EndpointProtocol[] = ['tcp'];

/**
 * The instance as a caller of its named endpoint `name` sees it: same id (ejection, strategies and
 * metrics key by instance), the endpoint's protocol and port. Undefined when it has no such endpoint
 * (whether it is routable is the caller's question). @internal
 */
export function atEndpoint(instance: ServiceInstance, name: string): ServiceInstance | undefined {
  const endpoint = instance.endpoints?.[name];
  if (endpoint === undefined) return undefined;
  // A candidate's protocol is what its address speaks: for the fast lane's endpoint `tcp`, which the
  // registry allows endpoints only (never an instance's primary address), hence the widening cast.
  return { ...instance, protocol: endpoint.protocol as InstanceProtocol, port: endpoint.port };
}

/**
 * The candidates a caller can speak to. An instance is one running app: its primary address is
 * HTTP, its other listeners named endpoints. The HTTP view keeps routable instances whose primary
 * protocol is http/https, as they are. A view with an `endpoint` name (gRPC: `grpc`) turns each
 * instance whose endpoint of that name is routable into a candidate at that endpoint's port (see
 * {@link atEndpoint}), and keeps instances registered with the protocol as their primary one (older
 * apps) as they are. The view is memoised per source array (the instance cache hands out the same
 * frozen array until the service changes), derived candidates included, so the steady state
 * allocates nothing; a list that already matches is returned as is. @internal
 */
export class ProtocolView {
  private readonly accepted: ReadonlySet<EndpointProtocol>;
  private readonly views = new WeakMap<readonly ServiceInstance[], readonly ServiceInstance[]>();

  /**
   * @param protocols the protocols this caller speaks.
   * @param endpoint the named endpoint it calls on instances whose primary address speaks another protocol.
   */
  constructor(
    readonly protocols: readonly EndpointProtocol[],
    readonly endpoint?: string,
  ) {
    this.accepted = new Set(protocols);
  }

  of(candidates: readonly ServiceInstance[]): readonly ServiceInstance[] {
    let view = this.views.get(candidates);
    if (view === undefined) {
      const mapped: ServiceInstance[] = [];
      let same = true;
      for (const instance of candidates) {
        const candidate = this.candidateOf(instance);
        if (candidate !== instance) same = false;
        if (candidate !== undefined) mapped.push(candidate);
      }
      view = same ? candidates : mapped;
      this.views.set(candidates, view);
    }
    return view;
  }

  /** What this caller calls of `instance`: itself, itself at its named endpoint, or nothing. */
  candidateOf(instance: ServiceInstance): ServiceInstance | undefined {
    // Instances from older registries may lack the field: they are HTTP.
    if (this.accepted.has(instance.protocol ?? 'http')) return isRoutable(instance) ? instance : undefined;
    if (this.endpoint === undefined || !isEndpointRoutable(instance, this.endpoint)) return undefined;
    const derived = atEndpoint(instance, this.endpoint);
    return derived !== undefined && this.accepted.has(derived.protocol) ? derived : undefined;
  }

  /** Why the view of `candidates` is empty although some are routable, for the caller's error message. */
  explainEmpty(candidates: readonly ServiceInstance[]): string {
    const name = this.endpoint;
    const withEndpoint = name === undefined ? [] : candidates.filter((i) => i.endpoints?.[name] !== undefined && isRoutable(i));
    if (withEndpoint.length > 0) return `the ${name} endpoint of all ${withEndpoint.length} that have one is critical`;
    return `none of the ${candidates.length} registered speaks ${this.protocols.join(' or ')}`;
  }
}
