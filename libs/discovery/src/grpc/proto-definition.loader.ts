import { loadSync, MethodDefinition, Options } from '@grpc/proto-loader';
import { DiscoveryConfigError } from '../config/discovery-config.error';
import { GRPC_SERVICE_NOT_FOUND, GRPC_PROTO_UNREADABLE } from '../errors/error.messages';

/** The loader options the generated types assume (see `npm run proto:types`). */
export const DEFAULT_PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** A unary or streaming method, as proto-loader describes it. @internal */
export type LoadedMethod = MethodDefinition<unknown, unknown>;

/**
 * Loads `grpcService` (e.g. `calc.Calculator`) from the .proto file(s): its methods by proto name.
 * Fails naming the file or listing the services found. @internal
 */
export function loadGrpcService(
  protoPath: string | string[],
  grpcService: string,
  options: Options = DEFAULT_PROTO_LOADER_OPTIONS,
): ReadonlyMap<string, LoadedMethod> {
  let definition: ReturnType<typeof loadSync>;
  try {
    definition = loadSync(protoPath, options);
  } catch (error) {
    throw new DiscoveryConfigError('protoPath', GRPC_PROTO_UNREADABLE(String(protoPath), (error as Error).message));
  }
  const service = definition[grpcService];
  if (!service || 'format' in service) {
    const services = Object.keys(definition).filter((name) => !('format' in definition[name]));
    throw new DiscoveryConfigError('grpcService', GRPC_SERVICE_NOT_FOUND(String(protoPath), grpcService, services));
  }
  const methods = new Map<string, LoadedMethod>();
  for (const [name, method] of Object.entries(service)) methods.set(name, method as LoadedMethod);
  return methods;
}
