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

/** Body of `POST /register`. Unset optional fields take the defaults in {@link toRegistration}. */
export class RegisterInstanceDto {
  @IsOptional()
  @IsString({ message: 'id must be a string' })
  @Matches(INSTANCE_ID_PATTERN, { message: `id must match ${INSTANCE_ID_PATTERN.source}` })
  id?: string;

  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Matches(SERVICE_NAME_PATTERN, { message: `name must match ${SERVICE_NAME_PATTERN.source}` })
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
  @IsArray({ message: 'tags must be an array of strings' })
  @ArrayMaxSize(32, { message: 'tags must have at most 32 items' })
  @IsString({ each: true, message: 'tags must be an array of strings' })
  @IsNotEmpty({ each: true, message: 'tags must not contain empty strings' })
  @MaxLength(128, { each: true, message: 'tags items must be at most 128 characters long' })
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
