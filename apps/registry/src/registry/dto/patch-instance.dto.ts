import { IsBoolean, IsOptional, ValidateIf } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIntInRange } from './validators';

/**
 * Body of `PATCH /service/:name/:id`: what an operator overrides. At least one field; `enabled: true`
 * lifts a drain and `weight: null` returns the instance to the weight it registers with.
 */
export class PatchInstanceDto {
  @ApiPropertyOptional({ description: 'false drains the instance (out of lookups); true lifts the drain' })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, nullable: true, description: 'Replaces the instance\'s weight; null lifts the override' })
  // null is a value here (lift the override), so only undefined skips the check.
  @ValidateIf((_dto: PatchInstanceDto, value: unknown) => value !== undefined && value !== null)
  @IsIntInRange(1, 1000, { message: 'weight must be an integer between 1 and 1000, or null to lift the override' })
  weight?: number | null;
}
