import { HealthCheck, InstanceEndpoint, InstanceRegistration } from '../instance.entity';
import { endpointProtocol } from './endpoints.validator';
import { HealthCheckDto } from './health-check.dto';
import { EndpointBody, RegisterInstanceDto } from './register-instance.dto';

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
    ...(dto.check === undefined ? {} : { check: toHealthCheck(dto.check) }),
    ...(dto.endpoints === undefined || Object.keys(dto.endpoints).length === 0 ? {} : { endpoints: toEndpoints(dto.endpoints) }),
  };
}

/** Endpoints with their protocol and their check's defaults filled in, in name order (so equal maps compare equal). */
function toEndpoints(body: Record<string, EndpointBody>): Record<string, InstanceEndpoint> {
  const endpoints: Record<string, InstanceEndpoint> = {};
  for (const name of Object.keys(body).sort()) {
    const { port, protocol, check } = body[name];
    endpoints[name] = {
      port,
      protocol: endpointProtocol(name, protocol),
      ...(check === undefined ? {} : { check: toHealthCheck(check) }),
    };
  }
  return endpoints;
}

/** Check defaults: Consul's rise/fall thresholds, a 10 s interval, a timeout within it. */
export function toHealthCheck(dto: HealthCheckDto): HealthCheck {
  const intervalSeconds = dto.intervalSeconds ?? 10;
  return {
    type: dto.type,
    ...(dto.type === 'http' ? { path: dto.path ?? '/health' } : {}),
    ...(dto.type === 'grpc' ? { service: dto.service ?? '' } : {}),
    intervalSeconds,
    timeoutSeconds: Math.min(dto.timeoutSeconds ?? 2, intervalSeconds),
    failuresBeforeCritical: dto.failuresBeforeCritical ?? 3,
    successesBeforePassing: dto.successesBeforePassing ?? 2,
    deregisterCriticalAfterSeconds: dto.deregisterCriticalAfterSeconds ?? 60,
  };
}
