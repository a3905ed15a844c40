import { Injectable } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Counts the HTTP requests this app is serving, so a graceful stop can wait for them. It listens to
 * the Node server's `request` event and each response's `close` (emitted once the answer is sent or
 * its connection dropped, so an aborted request is never counted forever): one listener per request,
 * and it works under any Nest HTTP adapter, unlike Fastify's `onResponse` hook, which misses aborted
 * requests. @internal
 */
@Injectable()
export class InFlightRequests {
  private count = 0;
  private readonly servers = new WeakSet<EventEmitter>();
  private readonly idleWaiters = new Set<() => void>();

  /** Starts counting the requests of `server` (a Node `http.Server`); tracking one twice counts once. */
  track(server: EventEmitter): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('request', this.onRequest);
  }

  /** Requests received and not yet answered. */
  get size(): number {
    return this.count;
  }

  /** Resolves true once no request is in flight (at once if none is), false when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (idle: boolean): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = (): void => settle(true);
      // Not unref'd: during shutdown this wait may be all that keeps the process alive, on purpose.
      const timer = setTimeout(() => settle(false), Math.max(0, timeoutMs));
      this.idleWaiters.add(onIdle);
    });
  }

  private readonly onRequest = (_request: IncomingMessage, response: ServerResponse): void => {
    this.count++;
    // `on`, not `once`: 'close' comes once per response, and once() would wrap the listener per request.
    response.on('close', this.onClose);
  };

  private readonly onClose = (): void => {
    this.count--;
    if (this.count === 0) for (const waiter of [...this.idleWaiters]) waiter();
  };
}
