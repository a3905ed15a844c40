import { Inject, Injectable } from '@nestjs/common';
import { RegistryConfig } from '../../config';
import { BoundExceededError } from '../../errors/bound-exceeded.error';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../../registry.constants';
import { RegistryStore, UpsertResult } from '../../store/registry-store.interface';
import { InstanceRegistration } from '../instance.entity';
import { declaredSizeCheck } from './declared-size.bounds';
import { PerMinuteBudget } from './per-minute.budget';

/**
 * Admits a registration before the store writes it: its tags and metadata within the configured bounds; a renewal (an id the service holds) always passes, and
 * costs nothing for an id this registry wrote before (else one lookup of its service); a new instance must fit the client's budget of new registrations a
 * minute, its service's instance bound and, for a new service, the service bound.
 *
 * New registrations are admitted one at a time (check and write under one lock), so one registry never passes a
 * bound. Replicas sharing a store each check the state they read: registrations admitted at the same moment on
 * different replicas can pass a count bound by as many as are in flight; the rate budget is per replica.
 */
/** How many ids {@link RegistrationAdmission} remembers (the oldest are forgotten first). */
const MAX_KNOWN_IDS = 100_000;

@Injectable()
export class RegistrationAdmission {
  private readonly budget: PerMinuteBudget;
  /** Tags and metadata against bounds tighter than the contract's; undefined (no cost) when none is. */
  private readonly checkDeclaredSize: ((registration: InstanceRegistration) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * Ids this registry registered, with their service, the oldest first: their renewals skip the
   * store read. An id that expired (rather than deregistered) and comes back under its old id passes as a
   * renewal: it was admitted within the bounds once, and the count bounds can be passed by such returns.
   */
  private readonly known = new Map<string, string>();

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {
    this.budget = new PerMinuteBudget(config.bounds.maxNewRegistrationsPerMinute);
    this.checkDeclaredSize = declaredSizeCheck(config.bounds);
  }

  /** Runs `write` once `registration` from `client` is admitted; throws {@link BoundExceededError} otherwise. */
  admit(client: string, registration: InstanceRegistration, write: () => Promise<UpsertResult>): Promise<UpsertResult> {
    // A renewal may declare new tags or metadata: checked on every registration, before anything is written.
    if (this.checkDeclaredSize) {
      try {
        this.checkDeclaredSize(registration);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // The heartbeat's path: an id this registry wrote, no store read, no extra await.
    if (registration.id !== undefined && this.known.get(registration.id) === registration.name) return this.remembered(registration, write);
    return this.admitUnknown(client, registration, write);
  }

  private async admitUnknown(client: string, registration: InstanceRegistration, write: () => Promise<UpsertResult>): Promise<UpsertResult> {
    if ((await this.store.census(registration.name, registration.id)).registered) return this.remembered(registration, write);
    const { maxNewRegistrationsPerMinute } = this.config.bounds;
    if (!this.budget.take(client)) {
      throw new BoundExceededError(
        'maxNewRegistrationsPerMinute',
        maxNewRegistrationsPerMinute,
        `${client} registered too many new instances this minute`,
        this.budget.waitMs(client),
      );
    }
    const turn = this.queue.then(async () => {
      await this.checkCounts(registration);
      return this.remembered(registration, write);
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Forgets a deregistered id: registering it again is a new registration. */
  forget(id: string): void {
    this.known.delete(id);
  }

  private remembered(registration: InstanceRegistration, write: () => Promise<UpsertResult>): Promise<UpsertResult> {
    return write().then((result) => {
      const { id } = result.instance;
      if (this.known.get(id) === registration.name) return result; // a renewal keeps its place: cheap, and close enough to LRU
      this.known.set(id, registration.name);
      if (this.known.size > MAX_KNOWN_IDS) this.known.delete(this.known.keys().next().value as string);
      return result;
    });
  }

  /** Counted, not read: a new registration costs the same whatever the size of its service or of the registry. */
  private async checkCounts(registration: InstanceRegistration): Promise<void> {
    const { maxInstancesPerService, maxServices } = this.config.bounds;
    const { registered, instances, services } = await this.store.census(registration.name, registration.id);
    if (registered) return; // registered while it waited
    if (instances >= maxInstancesPerService) {
      throw new BoundExceededError('maxInstancesPerService', maxInstancesPerService, `${registration.name} has ${instances} instances`);
    }
    if (instances > 0) return;
    if (services >= maxServices) {
      throw new BoundExceededError('maxServices', maxServices, `the registry holds ${services} services`);
    }
  }
}
