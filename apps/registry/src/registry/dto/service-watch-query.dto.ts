import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, Matches, ValidateBy } from 'class-validator';
import { MAX_WATCHED_SERVICES, parseWatchedServices } from '@nest-discovery/registry-api';
import { MAX_REVISION, MAX_WATCH_TIMEOUT_SECONDS } from './query.dto';
import { IsIntInRange, ToInteger } from './validators';

/** What an epoch (a change history's name, from an answer) looks like. */
export const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Query of `GET /watch/services`. */
export class ServiceWatchQueryDto {
  @ApiProperty({ type: 'string', description: `1 to ${MAX_WATCHED_SERVICES} comma-separated service names`, example: 'calc,orders' })
  @Transform(({ value }: { value: unknown }) => {
    const parsed = parseWatchedServices(value);
    return typeof parsed === 'string' ? value : parsed;
  })
  @ValidateBy({
    name: 'isWatchedServices',
    validator: {
      validate: (value: unknown) => Array.isArray(value),
      defaultMessage: (args) => {
        const parsed = parseWatchedServices(args?.value);
        return typeof parsed === 'string' ? parsed : 'services is invalid';
      },
    },
  })
  services!: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'The revision the caller holds (from the last answer)' })
  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, MAX_REVISION, { message: 'revision must be a non-negative integer' })
  revision?: number;

  @ApiPropertyOptional({ description: 'The epoch of the last answer; a delta needs it and the revision' })
  @IsOptional()
  @Matches(EPOCH_PATTERN, { message: 'epoch must be 1 to 64 letters, digits, - or _' })
  epoch?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_WATCH_TIMEOUT_SECONDS, default: 30 })
  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, MAX_WATCH_TIMEOUT_SECONDS)
  timeoutSeconds?: number;
}
