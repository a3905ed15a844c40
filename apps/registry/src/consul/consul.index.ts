import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryConfig } from '../config';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';

export const INDEX_FILE_NAME = 'consul-index.json';

/** Indexes reserved ahead on disk: a crash skips at most this many, and the file is written once per half of it. */
export const INDEX_BLOCK = 100_000;

/**
 * The offset that puts this run's first index (`revision + offset`) past every index an earlier run may
 * have given out (`reservedBefore`), and never below 1: Consul clients take an index of 0 as an error.
 */
export function startOffset(reservedBefore: number, revision: number): number {
  return Math.max(1, reservedBefore + 1 - revision);
}

/**
 * Consul's `X-Consul-Index` from the registry's revision: `revision + offset`, so it grows with every change
 * and never goes backwards, across restarts included.
 *
 * With a shared store (Redis, etcd) the store keeps the revision through restarts and every replica reads
 * the same one: the offset is 1, and replicas agree. The memory store's revision comes back with its
 * snapshot, which is written a moment after a change: a crash in between would give out an index again.
 * So the memory store's run reserves indexes ahead in `<dataDir>/consul-index.json` (a small synchronous
 * write, once per {@link INDEX_BLOCK}/2 changes, before any index past the reservation is answered), and
 * the next run starts past the reservation.
 */
@Injectable()
export class ConsulIndex implements OnApplicationBootstrap, OnApplicationShutdown {
  private offset = 1;
  private reservedTo = Number.POSITIVE_INFINITY;
  private unsubscribe: (() => void) | undefined;
  private readonly path: string;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: Pick<RegistryStore, 'kind' | 'revision' | 'onChange'>,
    @Inject(REGISTRY_CONFIG) config: Pick<RegistryConfig, 'dataDir'>,
  ) {
    this.path = join(config.dataDir, INDEX_FILE_NAME);
  }

  /** Runs after the snapshot's restore (onModuleInit) and before the server listens. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.store.kind !== 'memory') return;
    const revision = await this.store.revision();
    this.offset = startOffset(readReserved(this.path), revision);
    this.reserve(revision);
    this.unsubscribe = this.store.onChange((next) => {
      if (this.of(next) > this.reservedTo - INDEX_BLOCK / 2) this.reserve(next);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  /** The index of `revision`. */
  of(revision: number): number {
    return revision + this.offset;
  }

  /** The revision an index of this run stands for (an index from elsewhere maps to a revision never seen). */
  revisionOf(index: number): number {
    return index - this.offset;
  }

  private reserve(revision: number): void {
    this.reservedTo = this.of(revision) + INDEX_BLOCK;
    mkdirSync(join(this.path, '..'), { recursive: true });
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify({ reservedTo: this.reservedTo }));
    renameSync(temp, this.path);
  }
}

/** The reservation an earlier run left, 0 when none (a first start, or a file that is not ours). */
function readReserved(path: string): number {
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { reservedTo?: unknown };
    return Number.isSafeInteger(saved.reservedTo) && (saved.reservedTo as number) > 0 ? (saved.reservedTo as number) : 0;
  } catch {
    return 0;
  }
}
