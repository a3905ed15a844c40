import Ajv, { ValidateFunction } from 'ajv';
import { isFQDN, isIP } from 'class-validator';
import {
  CHECK_PATH_PATTERN,
  CHECK_TYPES,
  ENDPOINT_NAME_PATTERN,
  ENDPOINT_PROTOCOLS,
  INSTANCE_ID_PATTERN,
  INSTANCE_PROTOCOLS,
  MAX_ENDPOINTS,
  REGISTRATION_LIMITS,
  SERVICE_NAME_PATTERN,
} from '../instance.entity';
import { RegisterInstanceDto } from './register-instance.dto';

const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum }) as const;

const CHECK = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: CHECK_TYPES },
    path: { type: 'string', maxLength: 512, format: 'check-path' },
    service: { type: 'string', maxLength: 256 },
    intervalSeconds: int(1, 3600),
    timeoutSeconds: int(1, 300),
    failuresBeforeCritical: int(1, 100),
    successesBeforePassing: int(1, 100),
    deregisterCriticalAfterSeconds: int(1, 86_400),
  },
} as const;

function endpoint(protocolRequired: boolean) {
  return {
    type: 'object',
    additionalProperties: false,
    required: protocolRequired ? ['port', 'protocol'] : ['port'],
    properties: { port: int(1, 65535), protocol: { type: 'string', enum: ENDPOINT_PROTOCOLS }, check: CHECK },
  } as const;
}

/**
 * The body of `POST /register` as a JSON schema: the same rules as {@link RegisterInstanceDto}'s decorators,
 * never looser: where a rule counts UTF-16 units (host, metadata) a format does, since ajv's lengths count
 * characters, as class-validator's MaxLength does; an optional field sent as `null` is left to
 * class-validator, which accepts it. An endpoint named after a protocol may leave its
 * protocol out (`patternProperties`); any other name must give one. @internal
 */
export const REGISTER_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'host', 'port'],
  properties: {
    id: { type: 'string', format: 'instance-id' },
    name: { type: 'string', format: 'service-name' },
    host: { type: 'string', format: 'host' },
    port: int(1, 65535),
    protocol: { type: 'string', enum: INSTANCE_PROTOCOLS },
    tags: { type: 'array', maxItems: REGISTRATION_LIMITS.tags, items: { type: 'string', minLength: 1, maxLength: REGISTRATION_LIMITS.tagLength } },
    metadata: {
      type: 'object',
      maxProperties: REGISTRATION_LIMITS.metadataEntries,
      propertyNames: { format: 'metadata-key' },
      additionalProperties: { type: 'string', format: 'metadata-value' },
    },
    weight: int(1, 1000),
    ttlSeconds: int(1, 3600),
    check: CHECK,
    endpoints: {
      type: 'object',
      maxProperties: MAX_ENDPOINTS,
      propertyNames: { format: 'endpoint-name' },
      patternProperties: { [`^(${ENDPOINT_PROTOCOLS.join('|')})$`]: endpoint(false) },
      additionalProperties: endpoint(true),
    },
  },
} as const;

function compile(): ValidateFunction<RegisterInstanceDto> {
  const ajv = new Ajv({ allErrors: false, strictTypes: false });
  ajv.addFormat('instance-id', INSTANCE_ID_PATTERN);
  ajv.addFormat('service-name', SERVICE_NAME_PATTERN);
  ajv.addFormat('check-path', CHECK_PATH_PATTERN);
  ajv.addFormat('endpoint-name', ENDPOINT_NAME_PATTERN);
  ajv.addFormat('metadata-key', (key: string) => key.length >= 1 && key.length <= REGISTRATION_LIMITS.metadataKeyLength);
  ajv.addFormat('metadata-value', (value: string) => value.length <= REGISTRATION_LIMITS.metadataValueLength);
  ajv.addFormat(
    'host',
    (value: string) => value.length <= 253 && (isIP(value) || isFQDN(value, { require_tld: false, allow_underscores: true })),
  );
  return ajv.compile<RegisterInstanceDto>(REGISTER_BODY_SCHEMA);
}

/**
 * Whether a register body is valid, by a schema compiled once: a renewal's check costs about a
 * microsecond, against tens for class-transformer and class-validator. It only says yes or no: a body
 * it refuses goes on to class-validator, which names the field at fault.
 */
export const isValidRegisterBody: (value: unknown) => value is RegisterInstanceDto = compile();
