import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock';
import { REGISTRY_CLOCK } from '../registry.constants';
import { isRoutable, RegistryInstance } from './instance.entity';
import { HEARTBEAT_STALENESS_MS, ListingScope } from './services.view';

interface Answer {
  json: string;
  builtAt: number;
}

/**
 * The JSON answer of `GET /service/:name` per service, serialized once and shared until that service
 * changes: a fat service's lookups under load cost a cache hit each instead of serializing a hundred
 * instances every time.
 *
 * Keyed by the service's instance list as the store returns it. The memory store hands out a new list
 * after every change of the service (copy-on-read) and the same one otherwise, so a change invalidates exactly
 * the answers of the service that changed, and a dropped list takes its answers with it (a WeakMap).
 * Renewals update `lastHeartbeat` in place without a new list, so an answer is also rebuilt once it is
 * {@link HEARTBEAT_STALENESS_MS} old, as the services view is. A store returning a fresh list per read
 * simply never hits.
 */
@Injectable()
export class ServiceAnswers {
  private readonly answers = new WeakMap<readonly RegistryInstance[], Map<string, Answer>>();

  constructor(@Inject(REGISTRY_CLOCK) private readonly clock: Clock) {}

  /** The JSON array of `instances` in `scope`, only those carrying `tag` when given. */
  json(instances: readonly RegistryInstance[], scope: ListingScope, tag?: string): string {
    const key = tag === undefined ? scope : `${scope}\u0000${tag}`;
    let byKey = this.answers.get(instances);
    if (byKey === undefined) {
      byKey = new Map();
      this.answers.set(instances, byKey);
    }
    const now = this.clock.now();
    const cached = byKey.get(key);
    if (cached !== undefined && now - cached.builtAt < HEARTBEAT_STALENESS_MS) return cached.json;
    const json = JSON.stringify(select(instances, scope, tag));
    byKey.set(key, { json, builtAt: now });
    return json;
  }
}

function select(instances: readonly RegistryInstance[], scope: ListingScope, tag: string | undefined): readonly RegistryInstance[] {
  const tagged = tag === undefined ? instances : instances.filter((instance) => instance.tags.includes(tag));
  return scope === 'all' || tagged.every(isRoutable) ? tagged : tagged.filter(isRoutable);
}
