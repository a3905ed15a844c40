import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ListingScope } from '../services.view';

/** `?status=all` lists critical and drained instances too; `passing` (the default) only routable ones. */
export type StatusQuery = 'passing' | 'all';

/** The values `?status=` takes. */
export const STATUS_QUERIES: readonly StatusQuery[] = ['passing', 'all'];

/** The listing scope a `status` query asks for. */
export function scopeOf(status: StatusQuery | undefined): ListingScope {
  return status === 'all' ? 'all' : 'routable';
}

/** `?status=` of every read. */
export class StatusQueryDto {
  @ApiPropertyOptional({ enum: STATUS_QUERIES, default: 'passing', description: 'all: critical and drained instances too' })
  @IsOptional()
  @IsIn(STATUS_QUERIES, { message: 'status must be passing or all' })
  status?: StatusQuery;
}
import { IsIntInRange, ToInteger } from './validators';

/** The largest revision a query may name. */
export const MAX_REVISION = Number.MAX_SAFE_INTEGER;

/** The longest a long poll may be asked to wait, in seconds. */
export const MAX_WATCH_TIMEOUT_SECONDS = 300;

/**
 * What a register answer carries beside the instance and the revision: `all` (the default) every
 * registration unless `knownRevision` is current; `none` never (a client that learns the registry
 * through its watch).
 */
export type RegisterAnswerQuery = 'all' | 'none';

/** The values `?answer=` takes. */
export const REGISTER_ANSWERS: readonly RegisterAnswerQuery[] = ['all', 'none'];

/** Query of `POST /register`. */
export class RegisterQueryDto {
  /** The revision the caller already holds; when current, the answer leaves `services` out. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'When current, the answer leaves `services` out' })
  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, MAX_REVISION, { message: 'knownRevision must be a non-negative integer' })
  knownRevision?: number;

  @ApiPropertyOptional({
    enum: REGISTER_ANSWERS,
    default: 'all',
    description:
      'none: the answer never carries `services` (only the instance and the revision), for a client that follows the registry through `GET /watch`; all: every registration unless `knownRevision` is current',
  })
  @IsOptional()
  @IsIn(REGISTER_ANSWERS, { message: 'answer must be all or none' })
  answer?: RegisterAnswerQuery;
}

/** Query of `GET /watch`. */
export class WatchQueryDto extends StatusQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Answer once the revision differs from this one' })
  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, MAX_REVISION, { message: 'revision must be a non-negative integer' })
  revision?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_WATCH_TIMEOUT_SECONDS, default: 30 })
  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, MAX_WATCH_TIMEOUT_SECONDS)
  timeoutSeconds?: number;
}

/** Query of `GET /service/:name`. */
export class LookupQueryDto extends StatusQueryDto {
  @ApiPropertyOptional({ description: 'Only instances carrying this tag' })
  @IsOptional()
  @Length(1, 128, { message: 'tag must be 1 to 128 characters long' })
  @IsString({ message: 'tag must be a single string' })
  tag?: string;
}
