import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { RegistryConfig } from '../config';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { isSnapshottable, RegistryStore, SnapshottableStore } from './registry-store.interface';
import { SnapshotFile } from './snapshot.file';

/**
 * Makes an in-memory store durable: restores the snapshot before the server listens, writes a new
 * one a little after each change (debounced, so a burst of registrations costs one write) and a
 * final one at shutdown. Does nothing for stores that persist by themselves.
 */
@Injectable()
export class SnapshotScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Snapshot');
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly file: SnapshotFile,
  ) {}

  async onModuleInit(): Promise<void> {
    const store = this.store;
    if (!isSnapshottable(store)) return;
    const snapshot = await this.file.read();
    if (snapshot !== undefined) {
      store.restore(snapshot);
      const services = new Set(snapshot.instances.map((instance) => instance.name)).size;
      this.logger.log(
        `Restored ${snapshot.instances.length} instance(s) of ${services} service(s) from ${this.file.path} ` +
          `(saved revision ${snapshot.revision}, now ${await store.revision()})`,
      );
    }
    this.unsubscribe = store.onChange(() => this.schedule(store));
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (isSnapshottable(this.store)) await this.flush(this.store);
  }

  private schedule(store: SnapshottableStore): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush(store);
    }, this.config.snapshotDelayMs);
    this.timer.unref();
  }

  /** Writes are chained so two never race on the temp file. */
  private flush(store: SnapshottableStore): Promise<void> {
    this.writing = this.writing
      .then(() => this.file.write(store.toSnapshot()))
      .catch((error: Error) => this.logger.error(`Snapshot write to ${this.file.path} failed: ${error.message}`));
    return this.writing;
  }
}
