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
