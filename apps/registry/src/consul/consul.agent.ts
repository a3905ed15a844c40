import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConsulBadRequestError } from '../errors/consul-bad-request.error';
import { ConsulUnknownIdError } from '../errors/consul-unknown-id.error';
import { REGISTRY_STORE } from '../registry.constants';
import { RegisterInstanceDto } from '../registry/dto/register-instance.dto';
import { toRegistration } from '../registry/dto/to-registration';
import { InstanceRegistration, InstanceStatus, RegistryInstance } from '../registry/instance.entity';
import { InstanceRegistrar } from '../registry/instance.registrar';
import { RegistryValidationPipe } from '../registry/validation.pipe';
import { RegistryStore } from '../store/registry-store.interface';
import { mapConsulService } from './consul-service.mapping';
import { AGENT_HELD_TTL_SECONDS, CHECK_ID_PREFIX } from './consul.constants';

/** A TTL check's update: `pass` and `warn` keep the instance routable (the registry has no warning state), `fail` does not. */
export type TtlUpdate = 'pass' | 'warn' | 'fail';

export const TTL_UPDATES: readonly TtlUpdate[] = ['pass', 'warn', 'fail'];

const STATUS_OF: Readonly<Record<TtlUpdate, InstanceStatus>> = { pass: 'passing', warn: 'passing', fail: 'critical' };

/**
 * The registry as a Consul agent: every instance is one of its services, whichever API registered it.
 * Writes go through the {@link InstanceRegistrar}, as the registry's own do; a Consul registration passes
 * the registry's own validation after its mapping.
 */
@Injectable()
export class ConsulAgent {
  private readonly validation = new RegistryValidationPipe();

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly registrar: InstanceRegistrar,
  ) {}

  /** `PUT /v1/agent/service/register`: registers, or replaces the service with that id. */
  async register(request: FastifyRequest, body: unknown): Promise<RegistryInstance> {
    const mapped = mapConsulService(body, callerAddress(request));
    const registration = { ...toRegistration(await this.validate(mapped.body)), ttlSeconds: mapped.ttlSeconds };
    const { instance, created } = await this.registrar.upsert(request, registration);
    if (created && mapped.initialStatus === 'critical') {
      return (await this.store.setHealth(instance.name, instance.id, { status: 'critical', output: 'Registered critical' })) ?? instance;
    }
    return instance;
  }

  /** `PUT /v1/agent/service/deregister/:id`. */
  async deregister(request: FastifyRequest, id: string): Promise<void> {
    const instance = await this.find(id);
    if (instance === undefined || !(await this.registrar.deregister(request, instance.name, id))) {
      throw new ConsulUnknownIdError('service', id);
    }
  }

  /**
   * `PUT /v1/agent/check/pass|warn|fail/service:<id>`: renews an instance that lives by renewals (a TTL
   * check, or the registry's own heartbeat) and records the outcome with `note` as its output.
   */
  async updateTtl(request: FastifyRequest, checkId: string, update: TtlUpdate, note: string | undefined): Promise<void> {
    const id = checkId.startsWith(CHECK_ID_PREFIX) ? checkId.slice(CHECK_ID_PREFIX.length) : undefined;
    const instance = id === undefined ? undefined : await this.find(id);
    if (instance === undefined || (instance.check === undefined && instance.ttlSeconds === AGENT_HELD_TTL_SECONDS)) {
      throw new ConsulUnknownIdError('check', checkId);
    }
    if (instance.check !== undefined) {
      throw new ConsulBadRequestError(`Check ${JSON.stringify(checkId)} is a ${instance.check.type} check the registry runs, not a TTL check`);
    }
    const { instance: renewed } = await this.registrar.upsert(request, registrationOf(instance));
    const output = note ?? `TTL check ${update === 'pass' ? 'passed' : update === 'warn' ? 'warned' : 'failed'}`;
    await this.store.setHealth(renewed.name, renewed.id, { status: STATUS_OF[update], output });
  }

  /** The instance with that id, in any service; undefined when none. */
  async find(id: string): Promise<RegistryInstance | undefined> {
    const { services } = await this.store.all();
    for (const name in services) {
      const instance = services[name].find((candidate) => candidate.id === id);
      if (instance !== undefined) return instance;
    }
    return undefined;
  }

  /** The registry's own rules, after the mapping: names, lengths and ranges are checked once, in one place. */
  private async validate(body: unknown): Promise<RegisterInstanceDto> {
    try {
      return (await this.validation.transform(body, { type: 'body', metatype: RegisterInstanceDto })) as RegisterInstanceDto;
    } catch (error) {
      if (error instanceof BadRequestException) throw new ConsulBadRequestError(`Invalid service: ${error.message}`);
      throw error;
    }
  }
}

/**
 * What the instance registered, for its renewal. An operator's weight override is the only field the
 * instance does not show as it declared it; the renewal declares that weight then.
 */
function registrationOf(instance: RegistryInstance): InstanceRegistration {
  const { id, name, host, port, protocol, tags, metadata, weight, ttlSeconds, check, endpoints } = instance;
  return { id, name, host, port, protocol, tags, metadata, weight, ttlSeconds, ...(check ? { check } : {}), ...(endpoints ? { endpoints } : {}) };
}

/** The caller's address, as a Consul agent's services default to their node's. */
function callerAddress(request: FastifyRequest): string {
  return request.ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}
