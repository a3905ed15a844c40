import { StoreKind } from './registry-store.interface';

/** Where the registry's state lives, parsed from `REGISTRY_STORE`. */
export type StoreLocation =
  | { kind: 'memory' }
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS), handed to ioredis as is. */
  | { kind: 'redis'; url: string }
  /** `etcd://host:port[,host:port…]`; `hosts` are the gRPC endpoints (`http://host:port`). */
  | { kind: 'etcd'; url: string; hosts: string[] };

export const MEMORY_STORE: StoreLocation = { kind: 'memory' };

/**
 * Parses `memory`, `redis://host:port` or `etcd://host:port[,host:port]`; throws a message saying what
 * is wrong (the caller names the variable).
 * @example parseStoreLocation('redis://127.0.0.1:6379') // { kind: 'redis', url: 'redis://127.0.0.1:6379' }
 */
export function parseStoreLocation(raw: string): StoreLocation {
  const value = raw.trim();
  if (value === 'memory') return MEMORY_STORE;
  const scheme = /^([a-z]+):\/\//.exec(value)?.[1];
  if (scheme === 'redis' || scheme === 'rediss') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`must be a valid URL, got "${raw}"`);
    }
    if (url.hostname === '') throw new Error(`must name a host, got "${raw}"`);
    return { kind: 'redis', url: value };
  }
  if (scheme === 'etcd') {
    const hosts = value
      .slice('etcd://'.length)
      .replace(/\/+$/, '')
      .split(',')
      .map((host) => host.trim());
    for (const host of hosts) {
      if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(host)) {
        throw new Error(`must be etcd://host:port[,host:port…], got "${raw}"`);
      }
    }
    return { kind: 'etcd', url: value, hosts: hosts.map((host) => `http://${host}`) };
  }
  throw new Error(`must be memory, redis://host:port or etcd://host:port, got "${raw}"`);
}

/** The location as logged and reported (no password). */
export function describeStore(location: StoreLocation): string {
  if (location.kind !== 'redis') return location.kind === 'memory' ? 'memory' : location.url;
  const url = new URL(location.url);
  if (url.password !== '') url.password = '***';
  return url.toString().replace(/\/$/, '');
}

export type { StoreKind };
