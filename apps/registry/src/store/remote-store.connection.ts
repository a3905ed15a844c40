import { Logger } from '@nestjs/common';
import { Clock } from '../clock';
import { RegistryError } from '../errors/registry.error';
import { StoreUnavailableError } from '../errors/store-unavailable.error';
import { StoreKind, StoreStatus } from './registry-store.interface';

/** What the Redis and etcd stores are built with besides their location. */
export interface RemoteStoreOptions {
  /** Key prefix (`REGISTRY_STORE_PREFIX`); replicas sharing state share it. */
  prefix: string;
  clock?: Clock;
}

/** How long the first connection may take before the registry gives up starting. */
export const CONNECT_TIMEOUT_MS = 5000;
/** How long each step of a store's close may take: a store that does not answer must not hold up shutdown. */
export const CLOSE_STEP_TIMEOUT_MS = 2000;
/** How long `/health` waits for the store's answer. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * The connection state a remote store shares with `/health` and its callers: fail fast at start,
 * log each loss and recovery once (not every retry), and turn a failed call into a 503
 * {@link StoreUnavailableError} so clients fail over to another replica. @internal
 */
export class RemoteStoreConnection {
  started = false;
  closed = false;
  private lostReason: string | undefined;

  /** `resync` catches up with what was missed while the store was away (run once it answers again). */
  constructor(
    readonly name: string,
    private readonly logger: Logger,
    private readonly resync: () => Promise<void>,
  ) {}

  /** Runs `connect` within {@link CONNECT_TIMEOUT_MS}; on failure runs `abandon` and throws a message naming the store. */
  async open(connect: () => Promise<void>, abandon: () => void): Promise<void> {
    try {
      await withTimeout(connect(), CONNECT_TIMEOUT_MS);
    } catch (error) {
      abandon();
      throw new Error(`REGISTRY_STORE ${this.name} is unreachable: ${message(error)}`);
    }
    this.started = true;
    this.logger.log(`Connected to ${this.name}`);
  }

  /** The store stopped answering (logged once until it is back). */
  lost(reason: string): void {
    if (!this.started || this.closed || this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.logger.error(`Lost ${this.name} (${reason}): store calls answer 503 while it reconnects`);
  }

  /** The store answers again. */
  restored(): void {
    if (this.lostReason === undefined || this.closed) return;
    this.lostReason = undefined;
    this.logger.log(`Reconnected to ${this.name}`);
    this.resync().catch((error: unknown) => this.logger.warn(`Resync with ${this.name} failed: ${message(error)}`));
  }

  /** Runs one store call; a transport failure becomes a {@link StoreUnavailableError}. */
  async call<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError(this.name, 'the registry is shutting down');
    try {
      const result = await operation();
      this.restored();
      return result;
    } catch (error) {
      // Our own typed errors and Redis's script errors (a bug, not an outage) pass through.
      if (error instanceof RegistryError || (error as Error)?.name === 'ReplyError') throw error;
      this.lost(message(error));
      throw new StoreUnavailableError(this.name, message(error));
    }
  }

  /** `/health`'s view: a short probe, never rejecting. */
  async status(kind: StoreKind, probe: () => Promise<unknown>): Promise<StoreStatus> {
    if (this.closed) return { kind, reachable: false, error: 'closed' };
    try {
      await withTimeout(probe(), PROBE_TIMEOUT_MS);
      this.restored();
      return { kind, reachable: true };
    } catch (error) {
      this.lost(message(error));
      return { kind, reachable: false, error: message(error) };
    }
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Waits for one step of a store's close (a lease revoke, a watch cancel, Redis's QUIT) at most
 * {@link CLOSE_STEP_TIMEOUT_MS}; a step that fails or times out is given up, as the connection is torn down
 * after it anyway. @internal
 */
export function closeStep(step: Promise<unknown>): Promise<void> {
  return withTimeout(step, CLOSE_STEP_TIMEOUT_MS).then(
    () => undefined,
    () => undefined,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
