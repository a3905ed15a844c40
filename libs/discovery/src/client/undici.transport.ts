import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'node:tls';
import { Dispatcher, Pool } from 'undici';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { abortReason } from './abortable-dispatch.handler';
import { BufferedAnswerHandler } from './buffered-answer.handler';
import { BufferedAnswer, HttpTransport, originOf, TransportRequest, TransportResponse } from './http-transport.interface';
import { StreamedAnswerHandler } from './streamed-answer.handler';

/** Options of {@link UndiciTransport}. */
export interface UndiciTransportOptions {
  /** Keep-alive connections per instance. Default 32. */
  connections?: number;
  /** A pool unused this long is closed (its instance has most likely left). Default 60 s. */
  idleCloseMs?: number;
  /**
   * TLS options of connections to `https` instances (CA, client certificate), given to their pools when
   * they are created: plain `http` pools and every call stay as they are.
   */
  tls?: ConnectionOptions;
}

/** What undici is asked to send for `request` (timeouts are undici's own timers). */
function dispatchOptions(request: TransportRequest): Dispatcher.DispatchOptions {
  return {
    method: request.method as Dispatcher.HttpMethod,
    path: request.path,
    headers: request.headers as Record<string, string | string[]> | undefined,
    body: request.body,
    headersTimeout: request.timeoutMs,
    bodyTimeout: request.bodyTimeoutMs,
  };
}

interface PoolEntry {
  readonly pool: Pool;
  lastUsed: number;
  /** Closed (its instance left, or it went idle): a later call opens a fresh pool. */
  closed: boolean;
}

/**
 * HTTP over one undici `Pool` per instance origin: keep-alive, no pipelining, reused across calls.
 * A pool is closed when its instance leaves the instance cache (see `InstanceLifecycle`), or, for
 * sources that do not report changes, by a lazy unref'd sweep once unused for `idleCloseMs`;
 * all are closed on shutdown — after the HTTP server closed, so requests still being served during a
 * graceful stop can call other services.
 */
@Injectable()
export class UndiciTransport implements HttpTransport, OnApplicationShutdown {
  private readonly pools = new Map<string, PoolEntry>();
  /** The same entries by instance object: the cache hands out the same object per instance, no origin string per call. */
  private readonly byInstance = new WeakMap<ServiceInstance, PoolEntry>();
  private readonly connections: number;
  private readonly idleCloseMs: number;
  private readonly tls: ConnectionOptions | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Coarse clock refreshed by the sweep; stamping pools needs no per-call Date.now(). */
  private now = Date.now();

  constructor(options: UndiciTransportOptions = {}) {
    this.connections = options.connections ?? 32;
    this.idleCloseMs = options.idleCloseMs ?? 60_000;
    this.tls = options.tls;
  }

  send(instance: ServiceInstance, request: TransportRequest, signal?: AbortSignal): Promise<TransportResponse> {
    const limit = request.bufferUpToBytes;
    if (limit === undefined) return this.poolFor(instance).request({ ...dispatchOptions(request), signal });
    return this.dispatch(instance, request, signal, (resolve, reject) => new StreamedAnswerHandler(resolve, reject, signal, limit));
  }

  sendBuffered(instance: ServiceInstance, request: TransportRequest, signal?: AbortSignal): Promise<BufferedAnswer> {
    return this.dispatch(instance, request, signal, (resolve, reject) => new BufferedAnswerHandler(resolve, reject, signal));
  }

  /** Sends `request` through undici's dispatch API with the handler `handlerFor` makes; nothing is sent for a signal already aborted. */
  private dispatch<T>(
    instance: ServiceInstance,
    request: TransportRequest,
    signal: AbortSignal | undefined,
    handlerFor: (resolve: (answer: T) => void, reject: (error: Error) => void) => Dispatcher.DispatchHandler,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const pool = this.poolFor(instance);
    return new Promise((resolve, reject) => {
      pool.dispatch(dispatchOptions(request), handlerFor(resolve, reject));
    });
  }

  release(instance: ServiceInstance): void {
    const origin = originOf(instance);
    const entry = this.pools.get(origin);
    if (!entry) return;
    this.pools.delete(origin);
    entry.closed = true;
    // close() lets in-flight calls finish; a later call to the same origin opens a fresh pool.
    entry.pool.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    const pools = [...this.pools.values()];
    this.pools.clear();
    for (const entry of pools) entry.closed = true;
    await Promise.all(pools.map((entry) => entry.pool.destroy().catch(() => undefined)));
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Number of open pools (one per instance origin). */
  get size(): number {
    return this.pools.size;
  }

  private poolFor(instance: ServiceInstance): Pool {
    let entry = this.byInstance.get(instance);
    if (entry !== undefined && !entry.closed) {
      entry.lastUsed = this.now;
      return entry.pool;
    }
    const origin = originOf(instance);
    entry = this.pools.get(origin);
    if (!entry) {
      this.now = Date.now();
      entry = {
        pool: this.createPool(origin),
        lastUsed: this.now,
        closed: false,
      };
      this.pools.set(origin, entry);
      this.startSweep();
    } else {
      entry.lastUsed = this.now;
    }
    this.byInstance.set(instance, entry);
    return entry.pool;
  }

  private createPool(origin: string): Pool {
    const options: Pool.Options = { connections: this.connections, pipelining: 1, keepAliveTimeout: 30_000 };
    if (this.tls !== undefined && origin.startsWith('https:')) options.connect = this.tls;
    return new Pool(origin, options);
  }

  private startSweep(): void {
    if (this.sweepTimer) return;
    // Jittered so many clients started together do not sweep in lockstep.
    const every = Math.max(1000, Math.round((this.idleCloseMs / 2) * (0.8 + Math.random() * 0.4)));
    this.sweepTimer = setInterval(() => this.sweep(), every);
    this.sweepTimer.unref();
  }

  private sweep(): void {
    this.now = Date.now();
    for (const [origin, entry] of this.pools) {
      // `lastUsed` lags by up to one sweep period; a pool still busy is never idle.
      const stats = entry.pool.stats;
      if (stats.pending + stats.running > 0) {
        entry.lastUsed = this.now;
      } else if (this.now - entry.lastUsed >= this.idleCloseMs) {
        this.pools.delete(origin);
        entry.closed = true;
        entry.pool.close().catch(() => undefined);
      }
    }
    if (this.pools.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }
}
