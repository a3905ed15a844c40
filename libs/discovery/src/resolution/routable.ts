import { ServiceInstance } from '../interfaces/service-instance.interface';

/**
 * Whether callers may route to an instance: passing its health check and not drained. The registry
 * already leaves other instances out of lookups and watches; this keeps a listing that still holds
 * them (an older registry, `?status=all`, a custom source) from sending calls there. @internal
 */
export function isRoutable(instance: ServiceInstance): boolean {
  return instance.status === 'passing' && instance.enabled !== false;
}
