import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Clock } from '../clock';
import { REGISTRY_CLOCK } from '../registry.constants';
import { RegistryInstance } from './instance.entity';
import { requestLine } from './request-line';

/** Registrations and updates logged one by one per window; beyond that they are counted. */
export const REGISTRATION_LINES_PER_WINDOW = 10;
/** The window of that budget, and how soon after it its count is written. */
export const REGISTRATION_WINDOW_MS = 1000;

interface Burst {
  registered: number;
  updated: number;
  services: Set<string>;
  revision: number;
}

/**
 * The log lines of new and changed registrations: one line each (`Registered calc/calc-1 at
 * http://10.0.0.5:3000 (revision 12)`), up to {@link REGISTRATION_LINES_PER_WINDOW} a second. A fleet
 * restarting registers thousands a second, and a line each (a JSON line through pino) was a tenth of
 * what such a registration costs: beyond the budget they are counted, and once the second is over one
 * line sums them up (`Registered 4312 and updated 0 more instance(s) of 87 service(s) in 1 s, not logged
 * one by one (revision 4567)`). The count is written at shutdown too.
 */
@Injectable()
export class RegistrationLog implements OnApplicationShutdown {
  private readonly logger = new Logger('Registry');
  private windowStart = Number.NEGATIVE_INFINITY;
  private lines = 0;
  private burst: Burst | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(REGISTRY_CLOCK) private readonly clock: Clock) {}

  registered(request: Pick<FastifyRequest, 'id'>, instance: RegistryInstance, revision: number): void {
    this.note(request, 'Registered', instance, revision);
  }

  updated(request: Pick<FastifyRequest, 'id'>, instance: RegistryInstance, revision: number): void {
    this.note(request, 'Updated', instance, revision);
  }

  onApplicationShutdown(): void {
    this.flush();
  }

  private note(request: Pick<FastifyRequest, 'id'>, verb: 'Registered' | 'Updated', instance: RegistryInstance, revision: number): void {
    const now = this.clock.now();
    if (now - this.windowStart >= REGISTRATION_WINDOW_MS) {
      this.windowStart = now;
      this.lines = 0;
    }
    if (this.lines < REGISTRATION_LINES_PER_WINDOW) {
      this.lines++;
      this.logger.log(requestLine(request, `${verb} ${describeInstance(instance)} (revision ${revision})`));
      return;
    }
    let burst = this.burst;
    if (burst === undefined) {
      burst = this.burst = { registered: 0, updated: 0, services: new Set(), revision };
      this.timer = setTimeout(() => this.flush(), REGISTRATION_WINDOW_MS);
      this.timer.unref();
    }
    if (verb === 'Registered') burst.registered++;
    else burst.updated++;
    burst.services.add(instance.name);
    burst.revision = Math.max(burst.revision, revision);
  }

  private flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const burst = this.burst;
    this.burst = undefined;
    if (burst === undefined) return;
    this.logger.log(
      `Registered ${burst.registered} and updated ${burst.updated} more instance(s) of ${burst.services.size} service(s) ` +
        `in ${REGISTRATION_WINDOW_MS / 1000} s, not logged one by one (revision ${burst.revision})`,
    );
  }
}

/** `name/id at protocol://host:port`, how the registry's lines name an instance. */
export function describeInstance(instance: RegistryInstance): string {
  return `${instance.name}/${instance.id} at ${instance.protocol}://${instance.host}:${instance.port}`;
}
