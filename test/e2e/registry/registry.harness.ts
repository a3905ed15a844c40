import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RegistryConfig, resolveRegistryConfig } from '../../../apps/registry/src/config';
import { createRegistryApp, registryUrl } from '../../../apps/registry/src/registry.app';
import { uniquePrefix } from '../helpers/stores';
import { tmpDir } from '../helpers/tmp-dir';

/**
 * A registry booted in this process, on a free port, with its own data dir and — for Redis and etcd — its
 * own key prefix unless one is given (two replicas share state by sharing `store` and `storePrefix`).
 */
export interface TestRegistry {
  app: NestFastifyApplication;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function bootRegistry(overrides: Partial<RegistryConfig> = {}): Promise<TestRegistry> {
  const dataDir = overrides.dataDir ?? tmpDir('registry-e2e-');
  const config = resolveRegistryConfig({
    host: '127.0.0.1',
    sweepIntervalMs: 100,
    snapshotDelayMs: 50,
    storePrefix: uniquePrefix(),
    ...overrides,
    port: 0,
    dataDir,
  });
  const app = await createRegistryApp(config, { logger: false });
  return { app, url: registryUrl(app), dataDir, close: () => app.close() };
}

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** One HTTP call; `body` is sent as JSON unless it is already a string. */
export async function http<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body, signal: init.signal });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

/** Instance JSON as the API returns it. */
export interface InstanceJson {
  id: string;
  name: string;
  host: string;
  port: number;
  protocol: string;
  tags: string[];
  metadata: Record<string, string>;
  weight: number;
  ttlSeconds: number;
  status: string;
  enabled: boolean;
  overrides?: { enabled?: boolean; weight?: number };
  check?: Record<string, unknown>;
  statusSince?: string;
  checkOutput?: string;
  endpoints?: Record<string, { port: number; protocol: string; check?: Record<string, unknown> }>;
  endpointHealth?: Record<string, { status: string; statusSince?: string; checkOutput?: string }>;
  registeredAt: string;
  lastHeartbeat: string;
}

export interface RegisterJson {
  instance: InstanceJson;
  revision: number;
  services?: Record<string, InstanceJson[]>;
}

export interface StateJson {
  revision: number;
  services: Record<string, InstanceJson[]>;
}

export interface ErrorJson {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
}

export function register(
  url: string,
  body: Record<string, unknown>,
  options: { knownRevision?: number; token?: string } = {},
): Promise<HttpResult<RegisterJson>> {
  const query = options.knownRevision === undefined ? '' : `?knownRevision=${options.knownRevision}`;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return http<RegisterJson>(`${url}/register${query}`, { method: 'POST', body, headers });
}

export const calc = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'calc',
  host: '127.0.0.1',
  port: 8080,
  ...overrides,
});

/** `PATCH /service/:name/:id` — an operator's override. */
export function patchInstance(
  url: string,
  name: string,
  id: string,
  body: unknown,
  options: { token?: string } = {},
): Promise<HttpResult<InstanceJson & ErrorJson>> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return http<InstanceJson & ErrorJson>(`${url}/service/${name}/${id}`, { method: 'PATCH', body, headers });
}
