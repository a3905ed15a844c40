import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { HealthCheckDto } from '../registry/dto/health-check.dto';
import {
  CHECK_TYPES,
  ENDPOINT_PROTOCOLS,
  EndpointHealth,
  EndpointProtocol,
  INSTANCE_PROTOCOLS,
  InstanceEndpoint,
  INSTANCE_STATUSES,
  InstanceOverrides,
  InstanceProtocol,
  InstanceStatus,
  RegistryInstance,
  RegistryState,
} from '../registry/instance.entity';

// Answer shapes for the OpenAPI document only. Each `implements` the type the code returns, so a field
// added to the model and not here fails the build instead of leaving the docs behind.

/** @internal */
export class HealthCheckSchema extends HealthCheckDto {}

/** @internal */
export class OverridesSchema implements InstanceOverrides {
  @ApiPropertyOptional({ description: 'false: drained by an operator' })
  enabled?: boolean;

  @ApiPropertyOptional({ description: "The operator's weight, in force instead of the instance's own" })
  weight?: number;
}

/** One named endpoint of an instance, in register bodies and answers. @internal */
export class EndpointSchema implements InstanceEndpoint {
  @ApiProperty({ minimum: 1, maximum: 65535, example: 50051 }) port!: number;
  @ApiPropertyOptional({ enum: ENDPOINT_PROTOCOLS, description: 'Defaults to the endpoint name when it names a protocol' })
  protocol!: EndpointProtocol;
  @ApiPropertyOptional({ type: () => HealthCheckSchema, description: "Probed at the instance's host and this port" })
  check?: HealthCheckSchema & InstanceEndpoint['check'];
}

/** The registry's view of one endpoint's check. @internal */
export class EndpointHealthSchema implements EndpointHealth {
  @ApiProperty({ enum: INSTANCE_STATUSES, description: 'critical: not routable for this endpoint\'s protocol' }) status!: InstanceStatus;
  @ApiPropertyOptional({ format: 'date-time' }) statusSince?: string;
  @ApiPropertyOptional({ example: 'gRPC SERVING' }) checkOutput?: string;
}

/** An instance as every read returns it. @internal */
@ApiExtraModels(EndpointSchema, EndpointHealthSchema)
export class InstanceSchema implements RegistryInstance {
  @ApiProperty({ example: 'calc-1a2b3c' }) id!: string;
  @ApiProperty({ example: 'calc' }) name!: string;
  @ApiProperty({ example: '10.0.0.7' }) host!: string;
  @ApiProperty({ example: 3200 }) port!: number;
  @ApiProperty({ enum: INSTANCE_PROTOCOLS }) protocol!: InstanceProtocol;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) metadata!: Record<string, string>;
  @ApiProperty({ description: "Effective weight: an operator's override when set, else the instance's own" }) weight!: number;
  @ApiProperty() ttlSeconds!: number;
  @ApiPropertyOptional({ type: () => HealthCheckSchema, description: `One of ${CHECK_TYPES.join(', ')} with its defaults filled in` })
  check?: HealthCheckSchema & RegistryInstance['check'];
  @ApiProperty({ enum: INSTANCE_STATUSES, description: 'critical: its check failed; left out of routable listings' })
  status!: InstanceStatus;
  @ApiProperty({ description: 'false: drained; left out of routable listings' }) enabled!: boolean;
  @ApiPropertyOptional({ type: () => OverridesSchema }) overrides?: OverridesSchema;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the status last changed' }) statusSince?: string;
  @ApiPropertyOptional({ example: 'HTTP 200', description: "The last probe's outcome" }) checkOutput?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(EndpointSchema) },
    description: "The app's other listeners by name (e.g. `grpc`); the top-level address is its primary (HTTP) one",
  })
  endpoints?: Record<string, EndpointSchema>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(EndpointHealthSchema) },
    description: 'Per endpoint with a check: its status; an endpoint not listed is passing',
  })
  endpointHealth?: Record<string, EndpointHealthSchema>;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ format: 'date-time' }) lastHeartbeat!: string;
}

const SERVICE_MAP = {
  type: 'object',
  description: 'Instances by service name',
  additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/InstanceSchema' } },
} as const;

/** `GET /services` and `GET /watch`. @internal */
export class StateSchema implements RegistryState {
  @ApiProperty({ description: 'Grows on every change; the same on every replica of a shared store' }) revision!: number;
  @ApiProperty(SERVICE_MAP) services!: Record<string, InstanceSchema[]>;
}

/** `POST /register`. @internal */
export class RegisterAnswerSchema {
  @ApiProperty({ type: () => InstanceSchema }) instance!: InstanceSchema;
  @ApiProperty() revision!: number;
  @ApiPropertyOptional({ ...SERVICE_MAP, description: 'Left out when `knownRevision` is current' })
  services?: Record<string, InstanceSchema[]>;
}

/** Every error answer. @internal */
export class ErrorSchema {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'port must be an integer between 1 and 65535' }) message!: string;
  @ApiPropertyOptional({ example: 'INSTANCE_NOT_FOUND' }) code?: string;
}
