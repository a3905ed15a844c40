import { IsOptional, IsString, Length } from 'class-validator';
import { IsIntInRange, ToInteger } from './validators';

const MAX_REVISION = Number.MAX_SAFE_INTEGER;

/** Query of `POST /register`. */
export class RegisterQueryDto {
  /** The revision the caller already holds; when current, the answer leaves `services` out. */
  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, MAX_REVISION, { message: 'knownRevision must be a non-negative integer' })
  knownRevision?: number;
}

/** Query of `GET /watch`. */
export class WatchQueryDto {
  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, MAX_REVISION, { message: 'revision must be a non-negative integer' })
  revision?: number;

  @IsOptional()
  @ToInteger()
  @IsIntInRange(0, 300)
  timeoutSeconds?: number;
}

/** Query of `GET /service/:name`. */
export class LookupQueryDto {
  @IsOptional()
  @Length(1, 128, { message: 'tag must be 1 to 128 characters long' })
  @IsString({ message: 'tag must be a single string' })
  tag?: string;
}
