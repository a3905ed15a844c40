import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RegistryMetrics } from '../metrics/registry.metrics';
import { REGISTRY_STORE } from '../registry.constants';
import { SelfPreservation } from '../self-preservation/self-preservation.service';
import { RegistryStore, UpsertResult } from '../store/registry-store.interface';
import { RegistrationAdmission } from './admission/registration.admission';
import { InstanceRegistration } from './instance.entity';
import { RegistrationLog } from './registration.log';
import { requestLine } from './request-line';

/**
 * A client's registration, renewal or deregistration, whichever API it came through (the registry's own,
 * Consul's agent API): the store's write, and what follows every one alike — the metrics, the renewal count
 * self-preservation weighs, the log line of a change.
 */
@Injectable()
export class InstanceRegistrar {
  private readonly logger = new Logger('Registry');

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly metrics: RegistryMetrics,
    private readonly selfPreservation: SelfPreservation,
    private readonly registrations: RegistrationLog,
    private readonly admission: RegistrationAdmission,
  ) {}

  /**
   * Registers or renews, once admitted within the registry's bounds.
   * @throws InstanceNameConflictError when the id is registered under another name.
   * @throws BoundExceededError when a new instance would pass a bound (nothing is written).
   */
  async upsert(request: Pick<FastifyRequest, 'id' | 'ip'>, registration: InstanceRegistration): Promise<UpsertResult> {
    const result = await this.admission.admit(request.ip, registration, () => this.store.upsert(registration));
    const { instance, created, changed, revision } = result;
    this.metrics.upserted(instance, created);
    if (!created) this.selfPreservation.renewed();
    if (created) this.registrations.registered(request, instance, revision);
    else if (changed) this.registrations.updated(request, instance, revision);
    return result;
  }

  /** Deregisters; false when `name` holds no instance `id`. */
  async deregister(request: FastifyRequest, name: string, id: string): Promise<boolean> {
    if (!(await this.store.deregister(name, id))) return false;
    this.admission.forget(id);
    this.metrics.deregistered(name);
    const revision = await this.store.revision();
    this.logger.log(requestLine(request, `Deregistered ${name}/${id} (revision ${revision})`));
    return true;
  }
}
