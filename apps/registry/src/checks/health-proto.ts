import { ChannelOptions, ChannelCredentials, Client, loadPackageDefinition, ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
// The one file, not the barrel: the registry makes no discovery calls and need not load the client stack.
import { protoFile } from '@nest-discovery/discovery/grpc';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** grpc.health.v1 `HealthCheckResponse.status`, as proto-loader hands it over (enums as strings). */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** The one method of grpc.health.v1.Health a probe calls. @internal */
export interface HealthClient extends Client {
  Check(
    request: { service: string },
    options: { deadline: number },
    callback: (error: (Error & { code?: number; details?: string }) | null, response?: { status: ServingStatus }) => void,
  ): { cancel(): void };
}

let constructor: ServiceClientConstructor | undefined;

/** A client of grpc.health.v1.Health at `address` (`host:port`); the proto is loaded once, on first use. @internal */
export function healthClient(address: string, options: ChannelOptions): HealthClient {
  if (constructor === undefined) {
    const definition = loadSync(healthProtoPath(), { keepCase: true, enums: String, defaults: true });
    const grpc = loadPackageDefinition(definition) as unknown as {
      grpc: { health: { v1: { Health: ServiceClientConstructor } } };
    };
    constructor = grpc.grpc.health.v1.Health;
  }
  return new constructor(address, ChannelCredentials.createInsecure(), options) as unknown as HealthClient;
}

/**
 * health.proto: in the registry package, where its build copies it (`dist/proto`, one folder above this
 * file's); in the monorepo, where `protoFile` finds it (beside the webpack bundle, or the repo's `proto/`).
 * @internal
 */
export function healthProtoPath(baseDir: string = __dirname): string {
  const packaged = join(baseDir, '..', 'proto', 'health.proto');
  return existsSync(packaged) ? packaged : protoFile('health.proto');
}
