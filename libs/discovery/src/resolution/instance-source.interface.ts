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
  /**
   * What `instances(service)` would answer without asking anyone, or undefined when it would have to ask:
   * lets the call path skip a promise per call. Optional.
   */
  cached?(service: string): readonly ServiceInstance[] | undefined;
  /**
   * Declares that the app will call `service`, so a source that follows the registry by subscription
   * follows it from the start rather than from the first call. Optional.
   */
  subscribe?(service: string): void;
}
