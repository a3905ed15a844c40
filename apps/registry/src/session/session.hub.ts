import { BeforeApplicationShutdown, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { RegistryMetrics } from '../metrics/registry.metrics';
import { SessionGreeting } from '../registry/instance.entity';
import { LostSessionProbe } from './lost-session.probe';
import { SESSION_KEEPALIVE_MS } from './session.constants';

interface Session {
  readonly name: string;
  readonly id: string;
  readonly response: ServerResponse;
}

/**
 * The instances' open sessions on this replica. A session that closes while the registry runs, and was
 * the instance's last one here, is handed to {@link LostSessionProbe}; sessions the registry ends itself
 * (shutdown) are not, so a registry restart marks nobody critical.
 */
@Injectable()
export class SessionHub implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly sessions = new Map<string, Set<Session>>();
  private readonly keepalive: NodeJS.Timeout;
  private closing = false;
  /** Settled lost-session decisions, for tests that wait on them. @internal */
  readonly settled: Promise<unknown>[] = [];

  constructor(
    private readonly lost: LostSessionProbe,
    private readonly metrics: RegistryMetrics,
  ) {
    this.keepalive = setInterval(() => this.ping(), SESSION_KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Open sessions on this replica. */
  get size(): number {
    let count = 0;
    for (const set of this.sessions.values()) count += set.size;
    return count;
  }

  /** Streams the session's first line and follows the connection until it closes. */
  open(name: string, id: string, revision: number, response: ServerResponse): void {
    const session: Session = { name, id, response };
    response.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    const greeting: SessionGreeting = { session: id, revision };
    response.write(`${JSON.stringify(greeting)}\n`);
    let set = this.sessions.get(id);
    if (set === undefined) this.sessions.set(id, (set = new Set()));
    set.add(session);
    this.metrics.sessionsOpen(1);
    response.once('close', () => this.closed(session));
  }

  /** From the first shutdown hook on, a closing session is the registry's doing, not the instance's. */
  onModuleDestroy(): void {
    this.closing = true;
  }

  /** Ends every session before the server closes (an open stream would hold its close up). */
  beforeApplicationShutdown(): void {
    this.closing = true;
    clearInterval(this.keepalive);
    for (const set of this.sessions.values()) for (const session of set) session.response.end();
  }

  private closed(session: Session): void {
    const set = this.sessions.get(session.id);
    set?.delete(session);
    this.metrics.sessionsOpen(-1);
    if (set !== undefined && set.size > 0) return; // a reconnect overlapping the old connection
    this.sessions.delete(session.id);
    if (this.closing) return;
    const decision = this.lost.handle(session.name, session.id);
    this.settled.push(decision);
    if (this.settled.length > 64) this.settled.splice(0, this.settled.length - 64);
  }

  private ping(): void {
    for (const set of this.sessions.values()) for (const session of set) session.response.write('\n');
  }
}
