/** Error messages of the call path, as functions so wording stays in one place. @internal */
export const NO_AVAILABLE_INSTANCE = (service: string, reason?: string): string =>
  `No available instance of service "${service}"${reason ? ` (${reason})` : ''}`;

export const REMOTE_HTTP_ERROR = (service: string, status: number, origin: string): string =>
  `Service "${service}" at ${origin} answered HTTP ${status}`;

export const REMOTE_TIMEOUT = (service: string, timeoutMs: number, origin: string): string =>
  `Call to service "${service}" at ${origin} timed out after ${timeoutMs} ms`;

export const REMOTE_UNAVAILABLE = (service: string, origin: string, cause: string): string =>
  `Service "${service}" at ${origin} is unreachable: ${cause}`;

export const RESPONSE_VALIDATION_FAILED = (service: string, type: string, fields: readonly string[]): string =>
  `Response of service "${service}" is not a valid ${type}: invalid ${fields.join(', ')}`;

export const UNIMPLEMENTED_CALLED = (): string =>
  'A declarative remote method was called directly: register its class with DiscoveryModule.forFeature([...]) and inject it';

export const REMOTE_GRPC_ERROR = (service: string, origin: string, status: string, path: string, details: string): string =>
  `Service "${service}" at ${origin} answered gRPC ${status} to ${path}${details ? `: ${details}` : ''}`;

export const GRPC_PROTO_UNREADABLE = (protoPath: string, reason: string): string =>
  `Cannot load the gRPC proto "${protoPath}": ${reason}`;

export const GRPC_SERVICE_NOT_FOUND = (protoPath: string, grpcService: string, found: readonly string[]): string =>
  `"${protoPath}" defines no gRPC service "${grpcService}" (services: ${found.length > 0 ? found.join(', ') : 'none'})`;

export const GRPC_UNKNOWN_METHOD = (grpcService: string, method: string, known: readonly string[]): string =>
  `gRPC service "${grpcService}" has no method "${method}" (methods: ${known.join(', ')})`;

export const GRPC_STREAMING_METHOD = (grpcService: string, method: string): string =>
  `gRPC method "${grpcService}/${method}" is streaming; the load-balanced client calls unary methods only`;

export const INVALID_GRPC_OPTION = (option: string, expected: string, got: unknown): string =>
  `Invalid gRPC client option "${option}": expected ${expected}, got ${JSON.stringify(got)}`;

export const DEADLINE_EXCEEDED = (service: string, attempts: number): string =>
  `Call to service "${service}" ran out of its deadline ${attempts === 0 ? 'before it was sent' : `after ${attempts} attempt(s)`}`;

export const INVALID_TRACING_SETTING = (variable: string, expected: string, got: string): string =>
  `Invalid ${variable}: expected ${expected}, got ${JSON.stringify(got)}`;

export const REMOTE_TCP_ERROR = (service: string, origin: string, status: number, pattern: string, message: string): string =>
  `Service "${service}" at ${origin} answered ${status} to fast-lane pattern ${pattern}${message ? `: ${message}` : ''}`;

export const INVALID_TCP_OPTION = (option: string, expected: string, got: unknown): string =>
  `Invalid fast-lane (TCP) client option "${option}": expected ${expected}, got ${JSON.stringify(got)}`;
