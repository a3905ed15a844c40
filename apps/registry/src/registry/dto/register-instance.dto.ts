import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  IsObject,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HealthCheckDto } from './health-check.dto';
import { EndpointProtocol, INSTANCE_ID_PATTERN, INSTANCE_PROTOCOLS, InstanceProtocol, REGISTRATION_LIMITS, SERVICE_NAME_PATTERN } from '../instance.entity';
import { IsHost, IsIntInRange, IsStringMap } from './validators';
import { IsEndpointMap } from './endpoints.validator';

// class-validator runs a property's decorators bottom-up and, with stopAtFirstError, reports the
// first failure: so the type check sits nearest the property and the finer checks above it.

/** Body of `POST /register`. Unset optional fields take the defaults in {@link toRegistration}. */
export class RegisterInstanceDto {
  @ApiPropertyOptional({ description: 'Unique instance id; assigned as `<name>-<random>` when absent', pattern: INSTANCE_ID_PATTERN.source, example: 'calc-1a2b3c' })
  @IsOptional()
  @Matches(INSTANCE_ID_PATTERN, { message: `id must match ${INSTANCE_ID_PATTERN.source}` })
  @IsString({ message: 'id must be a string' })
  id?: string;

  @ApiProperty({ description: 'Service name', pattern: SERVICE_NAME_PATTERN.source, example: 'calc' })
  @IsDefined({ message: 'name is required' })
  @Matches(SERVICE_NAME_PATTERN, { message: `name must match ${SERVICE_NAME_PATTERN.source}` })
  @IsString({ message: 'name must be a string' })
  name!: string;

  @ApiProperty({ description: 'Hostname or IP address other services call', example: '10.0.0.7' })
  @IsDefined({ message: 'host is required' })
  @IsHost()
  host!: string;

  @ApiProperty({ minimum: 1, maximum: 65535, example: 3200 })
  @IsDefined({ message: 'port is required' })
  @IsIntInRange(1, 65535)
  port!: number;

  @ApiPropertyOptional({ enum: INSTANCE_PROTOCOLS, default: 'http' })
  @IsOptional()
  @IsIn(INSTANCE_PROTOCOLS, { message: `protocol must be one of ${INSTANCE_PROTOCOLS.join(', ')}` })
  protocol?: InstanceProtocol;

  @ApiPropertyOptional({ type: [String], maxItems: REGISTRATION_LIMITS.tags, default: [], example: ['v2'] })
  @IsOptional()
  @MaxLength(REGISTRATION_LIMITS.tagLength, { each: true, message: `tags items must be at most ${REGISTRATION_LIMITS.tagLength} characters long` })
  @IsNotEmpty({ each: true, message: 'tags must not contain empty strings' })
  @IsString({ each: true, message: 'tags must be an array of strings' })
  @ArrayMaxSize(REGISTRATION_LIMITS.tags, { message: `tags must have at most ${REGISTRATION_LIMITS.tags} items` })
  @IsArray({ message: 'tags must be an array of strings' })
  tags?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: `At most ${REGISTRATION_LIMITS.metadataEntries} entries`, example: { zone: 'eu-1' } })
  @IsOptional()
  @IsStringMap({
    maxEntries: REGISTRATION_LIMITS.metadataEntries,
    maxKeyLength: REGISTRATION_LIMITS.metadataKeyLength,
    maxValueLength: REGISTRATION_LIMITS.metadataValueLength,
  })
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1, description: 'Share of traffic relative to the other instances' })
  @IsOptional()
  @IsIntInRange(1, 1000)
  weight?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3600, default: 30, description: 'Lifetime without a renewal' })
  @IsOptional()
  @IsIntInRange(1, 3600)
  ttlSeconds?: number;

  @ApiPropertyOptional({ type: () => HealthCheckDto, description: "An active check the registry runs against this instance's own host and port" })
  @IsOptional()
  @ValidateNested()
  @Type(() => HealthCheckDto)
  @IsObject({ message: 'check must be an object like { "type": "http", "path": "/health" }' })
  check?: HealthCheckDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/EndpointSchema' },
    description:
      "The app's other listeners by name, at this instance's host: e.g. `{ \"grpc\": { \"port\": 50051 } }`. `protocol` defaults to the name when it names one (http, https, grpc, tcp); `check` is probed at the endpoint's port and decides only whether the endpoint is routable for its protocol.",
    example: { grpc: { port: 50051, check: { type: 'grpc' } } },
  })
  @IsOptional()
  @IsEndpointMap()
  endpoints?: Record<string, EndpointBody>;
}

/** One entry of `endpoints` in a register body (validated by {@link IsEndpointMap}). */
export interface EndpointBody {
  port: number;
  protocol?: EndpointProtocol;
  check?: HealthCheckDto;
}
