import { HealthCheckOptions } from '../interfaces/discovery-options.interface';
import { EndpointProtocol } from '../interfaces/service-instance.interface';

/**
 * Another listener of this app (e.g. its gRPC server), registered as a named endpoint of the app's
 * one instance: same id, host and registration, its own port and health check. It is renewed,
 * drained and removed with the instance; a gRPC client calls `host:endpoints.grpc.port`.
 *
 * @example
 * ```ts
 * app.get(RegistrationService).addEndpoint({ protocol: 'grpc', port: grpcPort }); // endpoints.grpc
 * ```
 */
export interface NamedEndpoint {
  /** `/^[a-z][a-z0-9-]{0,31}$/`. Default: the protocol (`grpc`). Callers find the endpoint by this name. */
  name?: string;
  protocol: EndpointProtocol;
  /** The port it listens on (1–65535): the one actually bound, for a listener started on port 0. */
  port: number;
  /**
   * The registry's active check of this endpoint. Default: grpc.health.v1 (`{ type: 'grpc' }`) for a
   * gRPC endpoint, a TCP connect otherwise, with the main check's interval and thresholds; none when
   * the module's `check` is off. `false` registers none; set `{ type: 'tcp' }` for a gRPC server that
   * does not serve grpc.health.v1.
   */
  check?: HealthCheckOptions | false;
}
