import { InstanceRegistration } from '../instance.entity';
import { RegisterInstanceDto } from './register-instance.dto';

const NO_TAGS: readonly string[] = Object.freeze([]);
const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** Applies the contract's defaults to a validated register body. */
export function toRegistration(dto: RegisterInstanceDto): InstanceRegistration {
  return {
    id: dto.id ?? undefined,
    name: dto.name,
    host: dto.host,
    port: dto.port,
    protocol: dto.protocol ?? 'http',
    tags: dto.tags ?? NO_TAGS,
    metadata: dto.metadata ?? NO_METADATA,
    weight: dto.weight ?? 1,
    ttlSeconds: dto.ttlSeconds ?? 30,
  };
}
