import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { INSTANCE_ID_PATTERN, SERVICE_NAME_PATTERN } from '../instance.entity';

/** `:name` route parameter. */
export class ServiceParamsDto {
  @ApiProperty({ pattern: SERVICE_NAME_PATTERN.source, example: 'calc' })
  @Matches(SERVICE_NAME_PATTERN, { message: `name must match ${SERVICE_NAME_PATTERN.source}` })
  name!: string;
}

/** `:name/:id` route parameters. */
export class InstanceParamsDto extends ServiceParamsDto {
  @ApiProperty({ pattern: INSTANCE_ID_PATTERN.source, example: 'calc-1a2b3c' })
  @Matches(INSTANCE_ID_PATTERN, { message: `id must match ${INSTANCE_ID_PATTERN.source}` })
  id!: string;
}
