import { HealthCheck, InstanceEndpoint, InstanceProtocol, InstanceStatus } from '@nest-discovery/registry-api';

// The wire contract (instance model, names, routing rules) is declared once, in @nest-discovery/registry-api,
// for the registry and the discovery library alike; what follows is the registry's own, internal view.
export * from '@nest-discovery/registry-api';

/** What a register call asks for, after validation and defaults. */
export interface InstanceRegistration {
  id?: string;
  name: string;
  host: string;
  port: number;
  protocol: InstanceProtocol;
  tags: readonly string[];
  metadata: Readonly<Record<string, string>>;
  weight: number;
  ttlSeconds: number;
  check?: HealthCheck;
  /** The app's other listeners by name (`grpc`…); the top-level address is its primary (HTTP) one. */
  endpoints?: Readonly<Record<string, InstanceEndpoint>>;
}

/** What a health check concluded, as the checker hands it to the store. */
export interface HealthUpdate {
  status: InstanceStatus;
  /** The last probe's outcome, e.g. `HTTP 200`, `connect ECONNREFUSED`. */
  output: string;
  /** The named endpoint the check probed; absent: the instance's primary check. */
  endpoint?: string;
}
