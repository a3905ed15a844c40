import { HealthCheckOptions } from '../interfaces/discovery-options.interface';
import { InstanceProtocol } from '../interfaces/service-instance.interface';

/**
 * A second endpoint of this app (e.g. its gRPC server), registered under the same service name,
 * host, tags, weight and TTL as the main one, with its own protocol and port and the id
 * `<main id><idSuffix>`. Renewed with the main registration and removed with it on shutdown, so
 * HTTP callers find the `http` entry and gRPC callers the `grpc` one.
 *
 * @example
 * ```ts
 * app.get(RegistrationService).addEndpoint({ protocol: 'grpc', port: grpcPort }); // id calc-1a2b-grpc
 * ```
 */
export interface AdditionalEndpoint {
  protocol: InstanceProtocol;
  /** The port it listens on (1–65535). */
  port: number;
  /** Appended to the main instance id. Default `-<protocol>`. */
  idSuffix?: string;
  /** Merged over the main registration's metadata. */
  metadata?: Record<string, string>;
  /**
   * The registry's active check of this endpoint. Default: grpc.health.v1 (`{ type: 'grpc' }`) for a
   * gRPC endpoint, a TCP connect otherwise, with the main check's interval and thresholds; none when
   * the module's `check` is off. `false` registers none; set `{ type: 'tcp' }` for a gRPC server that
   * does not serve grpc.health.v1.
   */
  check?: HealthCheckOptions | false;
}
