import type { CheckType, HealthCheck, RegistryInstance, ServiceMap as ContractServiceMap } from '@nest-discovery/registry-api';

// The instance model is the registry's wire contract, declared once in @nest-discovery/registry-api; these
// are the library's names for it.
export type {
  EndpointHealth,
  EndpointProtocol,
  InstanceEndpoint,
  InstanceOverrides,
  InstanceProtocol,
  InstanceStatus,
  RegistryState,
} from '@nest-discovery/registry-api';

/** What the registry probes: an HTTP GET of `path`, a TCP connect, or grpc.health.v1 `Check`. */
export type HealthCheckType = CheckType;

/** The active health check the registry runs against an instance, as the registry answers it (defaults filled in). */
export type InstanceHealthCheck = HealthCheck;

/**
 * One live instance of a service (one running app), exactly as the registry returns it. Callers only
 * route to instances that are `passing` and not drained, and to a named endpoint only while its own
 * check passes too (`isRoutable`, `isEndpointRoutable`).
 */
export type ServiceInstance = RegistryInstance;

/** Every service's instances, keyed by service name. */
export type ServiceMap = ContractServiceMap;
