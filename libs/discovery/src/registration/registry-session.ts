import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionGreeting } from '@nest-discovery/registry-api';
import { Client } from 'undici';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { SESSION_LOST, SESSION_OPEN, SESSION_UNAVAILABLE } from '../discovery.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { jittered } from './backoff';

/** Reopen delays: ~250 ms after a session ended, doubling while attempts fail, up to 5 s. */
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 5000;
/** A registry that does not answer a session request this fast is treated as down. */
const HEADERS_TIMEOUT_MS = 5000;
/** The registry writes a line every 15 s: silence for two of them and more means a dead connection. */
const IDLE_TIMEOUT_MS = 40_000;
/** The first line names the session; anything longer is not a session stream. */
const MAX_FIRST_LINE = 4096;
/** Closing never holds shutdown up longer than this. */
const CLOSE_TIMEOUT_MS = 1000;

/** How one session attempt ended. */
interface Outcome {
  /** The registry confirmed the session (its first line named it). */
  readonly opened: boolean;
  /** Worth trying the next registry URL: it did not answer, or answered 5xx or not a session. */
  readonly failover: boolean;
  /** 404: the registry does not know the instance (yet), or has no sessions at all. */
  readonly notFound: boolean;
  readonly reason: string;
}

/**
 * The instance's session with the registry: one long-lived `GET /session/:name/:id` whose
 * connection the registry watches, so a crashed process (connection closed without deregistering)
 * is probed and taken out at once instead of after its TTL or failed checks. Opened after the first
 * registration and kept open while registered: when it ends or fails it is reopened with jittered
 * backoff (~250 ms, doubling up to 5 s), trying the next registry URL when one does not answer; a
 * successful renewal ends that wait, so a restarted registry gets the session back within a renewal.
 * Closed after the graceful stop's deregistration, so the registry sees a deregistered instance and
 * probes nothing. A 404 (the instance not registered yet, or a registry without sessions) only means
 * "retry later". Logs changes of state only. @internal
 */
@Injectable()
export class RegistrySession implements OnApplicationShutdown {
  private readonly logger = new Logger('Discovery');
  private readonly clients = new Map<string, Client>();
  private current: { readonly name: string; readonly id: string; readonly abort: AbortController; readonly loop: Promise<void> } | undefined;
  private openAt: string | undefined;
  /** Ends the backoff wait before the next attempt. */
  private nap: AbortController | undefined;

  constructor(@Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions) {}

  /** The registry URL the session is open with; undefined while it is not. */
  get openWith(): string | undefined {
    return this.openAt;
  }

  /**
   * Keeps a session of instance `id` of service `name` open until {@link close}; a no-op while it
   * already does. Called after every successful registration: one that finds the session waiting to
   * reopen ends the wait, since the registry just answered.
   */
  open(name: string, id: string): void {
    if (this.current?.name === name && this.current.id === id) {
      if (this.openAt === undefined) this.nap?.abort();
      return;
    }
    // Another id (the registry assigned a new one): that session is for an instance that is gone.
    void this.stop();
    const abort = new AbortController();
    this.current = { name, id, abort, loop: this.keepOpen(name, id, abort.signal) };
  }

  /** Ends the session and stops reopening it; bounded, never throws. */
  async close(): Promise<void> {
    await this.stop();
    const clients = [...this.clients.values()];
    this.clients.clear();
    await bounded(Promise.all(clients.map((client) => client.destroy().catch(() => undefined))));
  }

  // A stop that skipped the registration's graceful path (no registration, a failed bootstrap).
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private async stop(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    this.openAt = undefined;
    if (!current) return;
    current.abort.abort();
    await bounded(current.loop);
  }

  private async keepOpen(name: string, id: string, signal: AbortSignal): Promise<void> {
    const urls = this.config.urls;
    let index = 0;
    let failures = 0;
    // Whether the current run of failures was reported: one line per change, not per attempt.
    let reported = false;
    while (!signal.aborted) {
      const url = urls[index % urls.length];
      const outcome = await this.attempt(url, name, id, signal, () => {
        this.openAt = url;
        reported = false;
        this.logger.log(SESSION_OPEN(id, url));
      });
      if (signal.aborted) return;
      this.openAt = undefined;
      if (outcome.opened) {
        failures = 0;
        this.logger.warn(SESSION_LOST(id, outcome.reason));
        reported = true;
      } else {
        failures++;
        if (!reported) {
          if (outcome.notFound) this.logger.log(SESSION_UNAVAILABLE(id, outcome.reason));
          else this.logger.warn(SESSION_UNAVAILABLE(id, outcome.reason));
          reported = true;
        }
      }
      if (outcome.failover) index++;
      const delayMs = jittered(Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures, 10)), 0.2);
      // Unref'd: a pending reopen never keeps the process alive.
      const nap = (this.nap = new AbortController());
      await sleep(delayMs, undefined, { signal: AbortSignal.any([signal, nap.signal]), ref: false }).catch(() => undefined);
    }
  }

  /** One session: resolves when it ended or could not be opened; calls `onOpen` once the registry confirmed it. */
  private async attempt(url: string, name: string, id: string, signal: AbortSignal, onOpen: () => void): Promise<Outcome> {
    const headers: Record<string, string> = { accept: 'application/x-ndjson' };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    let opened = false;
    try {
      const response = await this.client(url).request({
        method: 'GET',
        path: `/session/${encodeURIComponent(name)}/${encodeURIComponent(id)}`,
        headers,
        signal,
        headersTimeout: HEADERS_TIMEOUT_MS,
        bodyTimeout: IDLE_TIMEOUT_MS,
      });
      const status = response.statusCode;
      if (status !== 200) {
        // Read to the end so the connection is reused; an error body is short.
        await response.body.dump().catch(() => undefined);
        return { opened, failover: status >= 500, notFound: status === 404, reason: `HTTP ${status}` };
      }
      let firstLine = '';
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (opened) continue; // later lines only keep the connection alive
        firstLine += chunk.toString('utf8');
        const end = firstLine.indexOf('\n');
        if (end < 0 && firstLine.length <= MAX_FIRST_LINE) continue;
        if (!namesSession(firstLine.slice(0, end < 0 ? undefined : end), id)) {
          response.body.destroy();
          return { opened, failover: true, notFound: false, reason: 'the answer is not a session stream' };
        }
        opened = true;
        onOpen();
      }
      return { opened, failover: !opened, notFound: false, reason: 'the registry ended it' };
    } catch (error) {
      return { opened, failover: !opened, notFound: false, reason: describe(error) };
    }
  }

  private client(url: string): Client {
    let client = this.clients.get(url);
    if (!client) {
      // Its own connection: a session holds it for as long as it lives.
      client = new Client(url, { pipelining: 1 });
      this.clients.set(url, client);
    }
    return client;
  }
}

/** Whether `line` is the registry's first session line for `id`: `{"session":"<id>","revision":N}`. */
function namesSession(line: string, id: string): boolean {
  try {
    return (JSON.parse(line) as Partial<SessionGreeting>).session === id;
  } catch {
    return false;
  }
}

function bounded(work: Promise<unknown>): Promise<unknown> {
  return Promise.race([work, sleep(CLOSE_TIMEOUT_MS, undefined, { ref: false })]);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
