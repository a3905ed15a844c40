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
} from 'class-validator';
import { INSTANCE_ID_PATTERN, INSTANCE_PROTOCOLS, InstanceProtocol, SERVICE_NAME_PATTERN } from '../instance.entity';
import { IsHost, IsIntInRange, IsStringMap } from './validators';

// class-validator runs a property's decorators bottom-up and, with stopAtFirstError, reports the
// first failure: so the type check sits nearest the property and the finer checks above it.

/** Body of `POST /register`. Unset optional fields take the defaults in {@link toRegistration}. */
export class RegisterInstanceDto {
  @IsOptional()
  @Matches(INSTANCE_ID_PATTERN, { message: `id must match ${INSTANCE_ID_PATTERN.source}` })
  @IsString({ message: 'id must be a string' })
  id?: string;

  @IsDefined({ message: 'name is required' })
  @Matches(SERVICE_NAME_PATTERN, { message: `name must match ${SERVICE_NAME_PATTERN.source}` })
  @IsString({ message: 'name must be a string' })
  name!: string;

  @IsDefined({ message: 'host is required' })
  @IsHost()
  host!: string;

  @IsDefined({ message: 'port is required' })
  @IsIntInRange(1, 65535)
  port!: number;

  @IsOptional()
  @IsIn(INSTANCE_PROTOCOLS, { message: `protocol must be one of ${INSTANCE_PROTOCOLS.join(', ')}` })
  protocol?: InstanceProtocol;

  @IsOptional()
  @MaxLength(128, { each: true, message: 'tags items must be at most 128 characters long' })
  @IsNotEmpty({ each: true, message: 'tags must not contain empty strings' })
  @IsString({ each: true, message: 'tags must be an array of strings' })
  @ArrayMaxSize(32, { message: 'tags must have at most 32 items' })
  @IsArray({ message: 'tags must be an array of strings' })
  tags?: string[];

  @IsOptional()
  @IsStringMap({ maxEntries: 64, maxKeyLength: 128, maxValueLength: 1024 })
  metadata?: Record<string, string>;

  @IsOptional()
  @IsIntInRange(1, 1000)
  weight?: number;

  @IsOptional()
  @IsIntInRange(1, 3600)
  ttlSeconds?: number;
}
