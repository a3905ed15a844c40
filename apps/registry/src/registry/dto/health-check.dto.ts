import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECK_PATH_PATTERN, CHECK_TYPES, CheckType } from '../instance.entity';
import { IsIntInRange } from './validators';


/**
 * `check` of a register body; unset fields take the defaults in {@link toHealthCheck}. Messages name
 * the field as `check.<field>` so a client knows which nested field it got wrong.
 */
export class HealthCheckDto {
  @ApiProperty({ enum: CHECK_TYPES, description: 'http: GET of `path` (2xx/3xx passes); tcp: a connect; grpc: grpc.health.v1 Check' })
  @IsIn(CHECK_TYPES, { message: `check.type must be one of ${CHECK_TYPES.join(', ')}` })
  type!: CheckType;

  @ApiPropertyOptional({ default: '/health', description: 'http: an absolute path on the instance' })
  @IsOptional()
  @Matches(CHECK_PATH_PATTERN, { message: 'check.path must be an absolute path on the instance, like /health' })
  @MaxLength(512, { message: 'check.path must be at most 512 characters long' })
  @IsString({ message: 'check.path must be a string' })
  path?: string;

  @ApiPropertyOptional({ default: '', description: 'grpc: the service asked about (empty: the whole server)' })
  @IsOptional()
  @MaxLength(256, { message: 'check.service must be at most 256 characters long' })
  @IsString({ message: 'check.service must be a string' })
  service?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3600, default: 10 })
  @IsOptional()
  @IsIntInRange(1, 3600, { message: 'check.intervalSeconds must be an integer between 1 and 3600' })
  intervalSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 300, default: 2, description: 'Capped at the interval' })
  @IsOptional()
  @IsIntInRange(1, 300, { message: 'check.timeoutSeconds must be an integer between 1 and 300' })
  timeoutSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 3 })
  @IsOptional()
  @IsIntInRange(1, 100, { message: 'check.failuresBeforeCritical must be an integer between 1 and 100' })
  failuresBeforeCritical?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 2 })
  @IsOptional()
  @IsIntInRange(1, 100, { message: 'check.successesBeforePassing must be an integer between 1 and 100' })
  successesBeforePassing?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 86400, default: 60 })
  @IsOptional()
  @IsIntInRange(1, 86_400, { message: 'check.deregisterCriticalAfterSeconds must be an integer between 1 and 86400' })
  deregisterCriticalAfterSeconds?: number;
}
