import { RegistryInstance } from './instance';

/** The fields routing looks at: what a registry answer always carries. */
type Routing = Pick<RegistryInstance, 'status' | 'endpoints' | 'endpointHealth'> & { enabled?: boolean };

/**
 * Whether callers may route to an instance's primary (HTTP) address: passing and not drained. Its primary
 * check is the app's own health, so a critical one takes every endpoint out too.
 */
export function isRoutable(instance: Routing): boolean {
  return instance.status === 'passing' && instance.enabled !== false;
}

/**
 * Whether callers of an endpoint's protocol may route to the instance's endpoint `name`: the instance is
 * routable, it has that endpoint, and the endpoint's own check passes (no `endpointHealth` entry: passing).
 */
export function isEndpointRoutable(instance: Routing, name: string): boolean {
  return (
    isRoutable(instance) &&
    instance.endpoints?.[name] !== undefined &&
    (instance.endpointHealth?.[name]?.status ?? 'passing') === 'passing'
  );
}
