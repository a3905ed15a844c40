import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { Observable } from 'rxjs';
import { RegistryConfig } from '../config';
import { BoundExceededError } from '../errors/bound-exceeded.error';
import { REGISTRY_CONFIG } from '../registry.constants';

/**
 * Bounds the watches (long polls, Consul blocking queries) one client address holds open at once: each takes a
 * slot until its response is done or its client leaves; past `REGISTRY_MAX_WATCHES_PER_CLIENT`, 429.
 */
@Injectable()
export class WatchSlotInterceptor implements NestInterceptor {
  private readonly open = new Map<string, number>();

  constructor(@Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const client = http.getRequest<FastifyRequest>().ip;
    const held = this.open.get(client) ?? 0;
    const { maxWatchesPerClient } = this.config.bounds;
    if (held >= maxWatchesPerClient) {
      throw new BoundExceededError('maxWatchesPerClient', maxWatchesPerClient, `${client} holds ${held} watches open`);
    }
    this.open.set(client, held + 1);
    const raw = http.getResponse<{ raw: ServerResponse }>().raw;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left === 0) this.open.delete(client);
      else this.open.set(client, left);
    };
    raw.once('finish', release).once('close', release);
    return next.handle();
  }
}
