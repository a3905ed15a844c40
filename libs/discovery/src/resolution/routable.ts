import { ServiceInstance } from '../interfaces/service-instance.interface';

/**
 * Whether callers may route to an instance's primary (HTTP) address: passing its health check and
 * not drained. The registry already leaves other instances out of lookups and watches; this keeps a
 * listing that still holds them (an older registry, `?status=all`, a custom source) from sending
 * calls there. @internal
 */
export function isRoutable(instance: ServiceInstance): boolean {
  return instance.status === 'passing' && instance.enabled !== false;
}

/**
 * Whether callers of an endpoint's protocol may route to the instance's endpoint `name`: the
 * instance is routable (its primary check is the app's own health), it has that endpoint, and the
 * endpoint's own check is not critical (no entry in `endpointHealth` means passing). The same rule
 * as the registry's. @internal
 */
export function isEndpointRoutable(instance: ServiceInstance, name: string): boolean {
  return (
    isRoutable(instance) &&
    instance.endpoints?.[name] !== undefined &&
    (instance.endpointHealth?.[name]?.status ?? 'passing') === 'passing'
  );
}
