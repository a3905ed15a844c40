import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'undici';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import { REGISTRY_HTTP_ERROR, REGISTRY_NETWORK_ERROR } from '../discovery.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { RegistryState, ServiceWatchAnswer, tlsClientOptions } from '@nest-discovery/registry-api';
import { InstancePatch, RegisterBody, RegisterResult } from './registry-api.interface';
import { RegistryRequestError } from './registry-request.error';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface CallOptions {
  body?: unknown;
  /** Writes carry the (write) token, reads the read token. */
  write?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Answer 404 as data instead of an error. */
  accept404?: boolean;
}

interface Answer<T> {
  status: number;
  body: T;
}

/** Plain calls answer quickly; a slow registry is treated as a down one. */
const REQUEST_TIMEOUT_MS = 2000;
/** Head room over the long-poll's own timeout before the watch request is given up. */
const WATCH_MARGIN_MS = 5000;

/**
 * Talks to the registry's HTTP API over one keep-alive undici Pool per registry URL. URLs are
 * tried in order on network errors and 5xx, starting from the last one that answered. @internal
 */
@Injectable()
export class RegistryHttpClient implements OnApplicationShutdown {
  private readonly pools = new Map<string, Pool>();
  private preferred = 0;

  constructor(@Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions) {}

  /**
   * Registers or renews (upsert by id). With `knownRevision` current, the answer omits `services`; with
   * `withServices` false it always does (`?answer=none`: the caller learns the registry through its watch).
   */
  async register(body: RegisterBody, knownRevision?: number, withServices = true): Promise<RegisterResult> {
    const params = [
      ...(knownRevision === undefined ? [] : [`knownRevision=${knownRevision}`]),
      ...(withServices ? [] : ['answer=none']),
    ];
    const query = params.length === 0 ? '' : `?${params.join('&')}`;
    const answer = await this.call<Omit<RegisterResult, 'status'>>('POST', `/register${query}`, { body, write: true });
    return { ...answer.body, status: answer.status };
  }

  /** Removes an instance; true if it was there. */
  async deregister(name: string, id: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<boolean> {
    const path = `/service/${encodeURIComponent(name)}/${encodeURIComponent(id)}`;
    const answer = await this.call<unknown>('DELETE', path, { write: true, timeoutMs, accept404: true });
    return answer.status !== 404;
  }

  /**
   * Changes an instance's operator controls (`enabled`, `weight`); the instance as the registry now
   * holds it, or undefined when it is not registered.
   */
  async patch(name: string, id: string, patch: InstancePatch, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ServiceInstance | undefined> {
    const path = `/service/${encodeURIComponent(name)}/${encodeURIComponent(id)}`;
    const answer = await this.call<ServiceInstance>('PATCH', path, { body: patch, write: true, timeoutMs, accept404: true });
    return answer.status === 404 ? undefined : answer.body;
  }

  service(name: string, signal?: AbortSignal): Promise<ServiceInstance[]> {
    return this.call<ServiceInstance[]>('GET', `/service/${encodeURIComponent(name)}`, { signal }).then((a) => a.body);
  }

  services(signal?: AbortSignal): Promise<RegistryState> {
    return this.call<RegistryState>('GET', '/services', { signal }).then((a) => a.body);
  }

  /** Long poll: answers once the revision passes `revision` (at once when undefined) or after the timeout. */
  watch(revision: number | undefined, timeoutSeconds: number, signal?: AbortSignal): Promise<RegistryState> {
    const query = revision === undefined ? `timeoutSeconds=${timeoutSeconds}` : `revision=${revision}&timeoutSeconds=${timeoutSeconds}`;
    const timeoutMs = timeoutSeconds * 1000 + WATCH_MARGIN_MS;
    return this.call<RegistryState>('GET', `/watch?${query}`, { signal, timeoutMs }).then((a) => a.body);
  }

  /**
   * Subscription long poll (`GET /watch/services`): a delta since `since` once one of `services` changes,
   * or the full listing of each at once without `since`. Undefined when the registry has no such route
   * (an older registry: follow `watch` instead).
   */
  watchServices(
    services: readonly string[],
    since: { revision: number; epoch: string } | undefined,
    timeoutSeconds: number,
    signal?: AbortSignal,
  ): Promise<ServiceWatchAnswer | undefined> {
    let query = `services=${services.map(encodeURIComponent).join(',')}&timeoutSeconds=${timeoutSeconds}`;
    if (since !== undefined) query += `&revision=${since.revision}&epoch=${encodeURIComponent(since.epoch)}`;
    const timeoutMs = timeoutSeconds * 1000 + WATCH_MARGIN_MS;
    return this.call<ServiceWatchAnswer>('GET', `/watch/services?${query}`, { signal, timeoutMs, accept404: true }).then((a) =>
      a.status === 404 ? undefined : a.body,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    // destroy, not close: an aborted long poll must not hold shutdown up.
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }

  private async call<T>(method: Method, path: string, options: CallOptions): Promise<Answer<T>> {
    const urls = this.config.urls;
    let lastError: RegistryRequestError | undefined;
    for (let i = 0; i < urls.length; i++) {
      const index = (this.preferred + i) % urls.length;
      try {
        const answer = await this.once<T>(urls[index], method, path, options);
        this.preferred = index;
        return answer;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (!(error instanceof RegistryRequestError) || !error.retryable) throw error;
        lastError = error;
      }
    }
    throw lastError ?? new RegistryRequestError('REGISTRY_UNAVAILABLE', 'No registry URL configured');
  }

  private async once<T>(
    url: string,
    method: Method,
    path: string,
    options: CallOptions,
  ): Promise<Answer<T>> {
    const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const token = options.write ? this.config.token : this.config.readToken;
    if (token) headers.authorization = `Bearer ${token}`;

    let statusCode: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const response = await this.pool(url).request({
        method,
        path,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      statusCode = response.statusCode;
      retryAfter = response.headers['retry-after'];
      text = await response.body.text();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : describe(error);
      throw new RegistryRequestError('REGISTRY_UNAVAILABLE', REGISTRY_NETWORK_ERROR(method, url + path, reason), undefined, {
        cause: error,
      });
    }

    if (statusCode === 404 && options.accept404) return { status: 404, body: undefined as T };
    if (statusCode >= 400) {
      const code = statusCode >= 500 ? 'REGISTRY_UNAVAILABLE' : 'REGISTRY_REJECTED';
      throw new RegistryRequestError(code, REGISTRY_HTTP_ERROR(method, url + path, statusCode, text.slice(0, 300)), statusCode, {
        retryAfterMs: retryAfterMs(retryAfter),
      });
    }
    try {
      return { status: statusCode, body: (text === '' ? undefined : JSON.parse(text)) as T };
    } catch (error) {
      throw new RegistryRequestError('REGISTRY_UNAVAILABLE', REGISTRY_HTTP_ERROR(method, url + path, statusCode, 'invalid JSON'), statusCode, {
        cause: error,
      });
    }
  }

  private pool(url: string): Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      // A few connections: one long poll, heartbeats and first lookups of new services.
      // An https registry is verified against DISCOVERY_TLS_CA, and shown the app's certificate if it asks.
      const tls = url.startsWith('https:') && this.config.tls ? tlsClientOptions(this.config.tls) : undefined;
      pool = new Pool(url, { connections: 8, keepAliveTimeout: 30_000, ...(tls && { connect: tls }) });
      this.pools.set(url, pool);
    }
    return pool;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** A `Retry-After` given in seconds (what the registry sends), in ms; undefined for none or another form. */
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const seconds = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
  return seconds === undefined ? undefined : seconds * 1000;
}
