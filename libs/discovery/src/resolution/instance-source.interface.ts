import { ServiceInstance } from '../interfaces/service-instance.interface';

/**
 * Where the call path gets candidate instances from. The default implementation is the
 * registry-backed cache; tests or static setups can bind their own.
 */
export interface InstanceSource {
  /**
   * Instances currently known for `service` (already filtered to those that may take traffic).
   * Served from memory; only a service never seen before costs one registry lookup.
   */
  instances(service: string): Promise<readonly ServiceInstance[]>;
}
