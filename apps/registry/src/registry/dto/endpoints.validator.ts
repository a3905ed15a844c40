import { plainToInstance } from 'class-transformer';
import { ValidateBy, ValidationError, validateSync, ValidationOptions } from 'class-validator';
import { ENDPOINT_NAME_PATTERN, ENDPOINT_PROTOCOLS, EndpointProtocol, MAX_ENDPOINTS } from '../instance.entity';
import { HealthCheckDto } from './health-check.dto';

const ENDPOINT_FIELDS = new Set(['port', 'protocol', 'check']);

/**
 * `endpoints` of a register body: a map of endpoint name to `{ port, protocol?, check? }`. Checked as a
 * whole by one validator because class-validator has no nested validation for maps; each message names
 * the field the way a client wrote it (`endpoints.grpc.port …`, `endpoints.grpc.check.type …`).
 */
export function IsEndpointMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEndpointMap',
      validator: {
        validate: (value: unknown) => endpointsProblem(value) === undefined,
        defaultMessage: (args) => endpointsProblem(args?.value) ?? 'endpoints is invalid',
      },
    },
    options,
  );
}

/** The protocol an endpoint speaks: its own, else its name when that names a protocol (`grpc`). */
export function endpointProtocol(name: string, protocol: EndpointProtocol | undefined): EndpointProtocol {
  return protocol ?? (name as EndpointProtocol);
}

/** The first thing wrong with an `endpoints` value, as a message naming the field; undefined when it is valid. @internal */
export function endpointsProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'endpoints must be an object like { "grpc": { "port": 50051 } }';
  const names = Object.keys(value);
  if (names.length > MAX_ENDPOINTS) return `endpoints must have at most ${MAX_ENDPOINTS} entries`;
  for (const name of names) {
    if (!ENDPOINT_NAME_PATTERN.test(name)) return `endpoints keys must match ${ENDPOINT_NAME_PATTERN.source}, got "${name}"`;
    const problem = endpointProblem(name, value[name]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function endpointProblem(name: string, endpoint: unknown): string | undefined {
  const field = `endpoints.${name}`;
  if (!isPlainObject(endpoint)) return `${field} must be an object like { "port": 50051 }`;
  for (const key of Object.keys(endpoint)) if (!ENDPOINT_FIELDS.has(key)) return `${field}.${key} should not exist`;
  const { port, protocol, check } = endpoint;
  if (port === undefined) return `${field}.port is required`;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    return `${field}.port must be an integer between 1 and 65535`;
  }
  if (protocol === undefined && !ENDPOINT_PROTOCOLS.includes(name as EndpointProtocol)) {
    return `${field}.protocol is required (the name "${name}" is not a protocol); one of ${ENDPOINT_PROTOCOLS.join(', ')}`;
  }
  if (protocol !== undefined && !ENDPOINT_PROTOCOLS.includes(protocol as EndpointProtocol)) {
    return `${field}.protocol must be one of ${ENDPOINT_PROTOCOLS.join(', ')}`;
  }
  return check === undefined ? undefined : checkProblem(field, check);
}

/** The endpoint's check, validated by the instance check's own DTO, its messages renamed to this endpoint's field. */
function checkProblem(field: string, check: unknown): string | undefined {
  if (!isPlainObject(check)) return `${field}.check must be an object like { "type": "grpc" }`;
  const errors = validateSync(plainToInstance(HealthCheckDto, check), {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
  });
  const first = errors.length === 0 ? undefined : firstMessage(errors[0]);
  if (first === undefined) return undefined;
  return first.startsWith('check.') ? `${field}.${first}` : `${field}.check.${first}`;
}

function firstMessage(error: ValidationError): string | undefined {
  const own = Object.values(error.constraints ?? {})[0];
  return own ?? (error.children ?? []).map(firstMessage).find((message) => message !== undefined);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
