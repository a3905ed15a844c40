import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTlsFiles, REGISTRATION_LIMITS, REGISTRY_TLS_VARIABLES, TlsConfigError, TlsFiles } from '@nest-discovery/registry-api';
import { InvalidConfigError } from './errors/invalid-config.error';
import { MEMORY_STORE, parseStoreLocation, StoreLocation } from './store/store-location';

/** Everything the registry reads from its environment, validated once at start. */
export interface RegistryConfig {
  /** `REGISTRY_PORT`, default 3100; 0 picks a free port. */
  port: number;
  /**
   * `REGISTRY_HOST`, default 0.0.0.0 when a write token is configured (or `REGISTRY_ALLOW_OPEN=true`),
   * else 127.0.0.1: a registry that takes writes from anyone listens on loopback only.
   */
  host: string;
  /** `REGISTRY_DATA_DIR`, default ./data (absolute after resolution). */
  dataDir: string;
  /** `REGISTRY_TOKEN` (or the file `REGISTRY_TOKEN_FILE` names): an admin token (every scope), the one token of earlier versions. */
  token: string | undefined;
  /** `REGISTRY_ADMIN_TOKENS`, `REGISTRY_WRITE_TOKENS`, `REGISTRY_READ_TOKENS` (comma-separated), default none. */
  tokens: ScopedTokens;
  /** `REGISTRY_ALLOW_OPEN`, default false: `true` lets a registry without a write token bind a non-loopback address. */
  allowOpen: boolean;
  /** `REGISTRY_SWEEP_INTERVAL_MS`, default 1000: how often expired instances are evicted. */
  sweepIntervalMs: number;
  /** `REGISTRY_SNAPSHOT_DELAY_MS`, default 2000: debounce between a change and the snapshot write. */
  snapshotDelayMs: number;
  /** `REGISTRY_STORE`: `memory` (default), `redis://host:port` or `etcd://host:port[,host:port]`. */
  store: StoreLocation;
  /** `REGISTRY_STORE_PREFIX`, default `registry`: the key prefix in Redis or etcd (replicas sharing state share it). */
  storePrefix: string;
  /** `REGISTRY_CHECK_CONCURRENCY`, default 64: active health-check probes in flight at most. */
  checkConcurrency: number;
  /**
   * `REGISTRY_SELF_PRESERVATION_THRESHOLD`, default 0.15: expiry is held when more than this share of
   * the fleet stops renewing within a minute and renewals drop as much; 0 disables.
   */
  selfPreservationThreshold: number;
  /** `REGISTRY_SELF_PRESERVATION_MIN_INSTANCES`, default 10: smaller fleets never hold expiry. */
  selfPreservationMinInstances: number;
  /** `REGISTRY_SELF_PRESERVATION_MAX_SECONDS`, default 300: the longest hold; then what is due expires. */
  selfPreservationMaxSeconds: number;
  /**
   * `REGISTRY_SESSION_PROBE_TIMEOUT_MS`, default 1000: when an instance's session drops without a
   * deregistration, how long the probe that follows waits for it before calling it critical.
   */
  sessionProbeTimeoutMs: number;
  /** `REGISTRY_DNS_PORT`: the UDP port of the Consul-style DNS interface; unset: no DNS; 0 picks a free port. */
  dnsPort: number | undefined;
  /** `REGISTRY_DNS_DOMAIN`, default `consul`: the domain DNS answers for (`<service>.service.<domain>`). */
  dnsDomain: string;
  /** `REGISTRY_CONSUL_DATACENTER`, default `dc1`: the one datacenter the Consul API and DNS speak for. */
  consulDatacenter: string;
  /**
   * `REGISTRY_TLS_CERT` + `REGISTRY_TLS_KEY` (serve HTTPS; also the client certificate of its HTTPS health
   * checks), `REGISTRY_TLS_CA` (trusted by its checks; verifies client certificates) and
   * `REGISTRY_TLS_CLIENT_AUTH` (`none` | `require`); unset: plain HTTP, checks trust Node's default roots.
   */
  tls: TlsFiles | undefined;
  /** Bounds on what clients may make the registry hold; see {@link RegistryBounds}. */
  bounds: RegistryBounds;
}

/** Bounds on input; each refusal is a 4xx whose message names the variable (see errors/bound-exceeded.error.ts). */
export interface RegistryBounds {
  /** `REGISTRY_MAX_BODY_BYTES`, default 65536: the largest request body (413). */
  maxBodyBytes: number;
  /** `REGISTRY_MAX_SERVICES`, default 1000: services held at most; a new service beyond it is refused (409). */
  maxServices: number;
  /** `REGISTRY_MAX_INSTANCES_PER_SERVICE`, default 1000: instances of one service at most (409). */
  maxInstancesPerService: number;
  /** `REGISTRY_MAX_NEW_REGISTRATIONS_PER_MINUTE`, default 600: new instances one client address may register a minute (429); renewals never count. */
  maxNewRegistrationsPerMinute: number;
  /** `REGISTRY_MAX_WATCHES_PER_CLIENT`, default 64: watches (long polls, blocking queries) one client address holds open at once (429). */
  maxWatchesPerClient: number;
  /** `REGISTRY_MAX_TAGS`, default and most 32 (the contract's): tags one registration may carry (400). */
  maxTags: number;
  /** `REGISTRY_MAX_TAG_LENGTH`, default and most 128: characters of one tag (400). */
  maxTagLength: number;
  /** `REGISTRY_MAX_METADATA_ENTRIES`, default and most 64: metadata entries of one registration (400). */
  maxMetadataEntries: number;
  /** `REGISTRY_MAX_METADATA_VALUE_LENGTH`, default and most 1024: characters of one metadata value (400). */
  maxMetadataValueLength: number;
}

/** Tokens by the scope they grant (an admin token grants write and read, a write token read). */
export interface ScopedTokens {
  read: readonly string[];
  write: readonly string[];
  admin: readonly string[];
}

/** Where a registry without a write token listens, and one with one. */
export const LOOPBACK_HOST = '127.0.0.1';
const ANY_HOST = '0.0.0.0';

/** Defaults, merged in this one place (`host` follows the tokens: see {@link RegistryConfig.host}). */
export const DEFAULT_REGISTRY_CONFIG: Readonly<RegistryConfig> = {
  port: 3100,
  host: LOOPBACK_HOST,
  dataDir: './data',
  token: undefined,
  tokens: { read: [], write: [], admin: [] },
  allowOpen: false,
  sweepIntervalMs: 1000,
  snapshotDelayMs: 2000,
  store: MEMORY_STORE,
  storePrefix: 'registry',
  checkConcurrency: 64,
  selfPreservationThreshold: 0.15,
  selfPreservationMinInstances: 10,
  selfPreservationMaxSeconds: 300,
  sessionProbeTimeoutMs: 1000,
  dnsPort: undefined,
  dnsDomain: 'consul',
  consulDatacenter: 'dc1',
  tls: undefined,
  bounds: {
    maxBodyBytes: 64 * 1024,
    maxServices: 1000,
    maxInstancesPerService: 1000,
    maxNewRegistrationsPerMinute: 600,
    maxWatchesPerClient: 64,
    maxTags: REGISTRATION_LIMITS.tags,
    maxTagLength: REGISTRATION_LIMITS.tagLength,
    maxMetadataEntries: REGISTRATION_LIMITS.metadataEntries,
    maxMetadataValueLength: REGISTRATION_LIMITS.metadataValueLength,
  },
};

/** A DNS name of one or more labels (letters, digits, dashes), like `consul` or `discovery.internal`. */
const DNS_DOMAIN_PATTERN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i;

/** A datacenter name: one DNS label, as it appears in `<service>.service.<dc>.<domain>`. */
const DATACENTER_PATTERN = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** Key prefixes: safe in a Redis key and an etcd path. */
const STORE_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the registry's configuration from `env` and fails fast, naming the variable, on a bad value.
 * @example const config = loadRegistryConfig(process.env);
 */
export function loadRegistryConfig(env: Env = process.env): RegistryConfig {
  const token = env.REGISTRY_TOKEN ?? tokenFile(env, 'REGISTRY_TOKEN_FILE');
  if (token !== undefined && token.trim() === '') {
    throw new InvalidConfigError('REGISTRY_TOKEN', 'must not be empty when set (unset it to disable auth)');
  }
  return resolveRegistryConfig({
    port: integer(env, 'REGISTRY_PORT', 0, 65535),
    host: nonEmpty(env, 'REGISTRY_HOST'),
    dataDir: nonEmpty(env, 'REGISTRY_DATA_DIR'),
    token,
    tokens: {
      read: tokenList(env, 'REGISTRY_READ_TOKENS'),
      write: tokenList(env, 'REGISTRY_WRITE_TOKENS'),
      admin: tokenList(env, 'REGISTRY_ADMIN_TOKENS'),
    },
    allowOpen: boolean(env, 'REGISTRY_ALLOW_OPEN'),
    sweepIntervalMs: integer(env, 'REGISTRY_SWEEP_INTERVAL_MS', 10, 3_600_000),
    snapshotDelayMs: integer(env, 'REGISTRY_SNAPSHOT_DELAY_MS', 0, 3_600_000),
    store: storeLocation(env),
    storePrefix: storePrefix(env),
    checkConcurrency: integer(env, 'REGISTRY_CHECK_CONCURRENCY', 1, 10_000),
    selfPreservationThreshold: fraction(env, 'REGISTRY_SELF_PRESERVATION_THRESHOLD'),
    selfPreservationMinInstances: integer(env, 'REGISTRY_SELF_PRESERVATION_MIN_INSTANCES', 1, 1_000_000),
    selfPreservationMaxSeconds: integer(env, 'REGISTRY_SELF_PRESERVATION_MAX_SECONDS', 1, 86_400),
    sessionProbeTimeoutMs: integer(env, 'REGISTRY_SESSION_PROBE_TIMEOUT_MS', 50, 60_000),
    dnsPort: integer(env, 'REGISTRY_DNS_PORT', 0, 65535),
    dnsDomain: matching(env, 'REGISTRY_DNS_DOMAIN', DNS_DOMAIN_PATTERN)?.toLowerCase(),
    consulDatacenter: matching(env, 'REGISTRY_CONSUL_DATACENTER', DATACENTER_PATTERN)?.toLowerCase(),
    tls: tlsFiles(env),
    bounds: bounds(env),
  });
}

function tlsFiles(env: Env): TlsFiles | undefined {
  try {
    return loadTlsFiles(env, REGISTRY_TLS_VARIABLES);
  } catch (error) {
    if (error instanceof TlsConfigError) throw new InvalidConfigError(error.variable, error.message.slice(error.variable.length + 1));
    throw error;
  }
}

function bounds(env: Env): RegistryBounds {
  const defaults = DEFAULT_REGISTRY_CONFIG.bounds;
  return {
    maxBodyBytes: integer(env, 'REGISTRY_MAX_BODY_BYTES', 1024, 64 * 1024 * 1024) ?? defaults.maxBodyBytes,
    maxServices: integer(env, 'REGISTRY_MAX_SERVICES', 1, 10_000_000) ?? defaults.maxServices,
    maxInstancesPerService: integer(env, 'REGISTRY_MAX_INSTANCES_PER_SERVICE', 1, 10_000_000) ?? defaults.maxInstancesPerService,
    maxNewRegistrationsPerMinute:
      integer(env, 'REGISTRY_MAX_NEW_REGISTRATIONS_PER_MINUTE', 1, 100_000_000) ?? defaults.maxNewRegistrationsPerMinute,
    maxWatchesPerClient: integer(env, 'REGISTRY_MAX_WATCHES_PER_CLIENT', 1, 1_000_000) ?? defaults.maxWatchesPerClient,
    // Tighter than the contract, never looser: every client validates against the contract's ceilings.
    maxTags: integer(env, 'REGISTRY_MAX_TAGS', 0, REGISTRATION_LIMITS.tags) ?? defaults.maxTags,
    maxTagLength: integer(env, 'REGISTRY_MAX_TAG_LENGTH', 1, REGISTRATION_LIMITS.tagLength) ?? defaults.maxTagLength,
    maxMetadataEntries: integer(env, 'REGISTRY_MAX_METADATA_ENTRIES', 0, REGISTRATION_LIMITS.metadataEntries) ?? defaults.maxMetadataEntries,
    maxMetadataValueLength:
      integer(env, 'REGISTRY_MAX_METADATA_VALUE_LENGTH', 1, REGISTRATION_LIMITS.metadataValueLength) ?? defaults.maxMetadataValueLength,
  };
}

function storeLocation(env: Env): StoreLocation | undefined {
  const raw = nonEmpty(env, 'REGISTRY_STORE');
  if (raw === undefined) return undefined;
  try {
    return parseStoreLocation(raw);
  } catch (error) {
    throw new InvalidConfigError('REGISTRY_STORE', (error as Error).message);
  }
}

function storePrefix(env: Env): string | undefined {
  return matching(env, 'REGISTRY_STORE_PREFIX', STORE_PREFIX_PATTERN);
}

function matching(env: Env, name: string, pattern: RegExp): string | undefined {
  const raw = nonEmpty(env, name);
  if (raw !== undefined && !pattern.test(raw)) {
    throw new InvalidConfigError(name, `must match ${pattern.source}, got "${raw}"`);
  }
  return raw;
}

/**
 * Fills unset fields with defaults and makes `dataDir` absolute. A registry without a write token listens on
 * loopback unless `allowOpen`; asking it for another address without `allowOpen` fails, naming REGISTRY_HOST.
 */
export function resolveRegistryConfig(partial: Partial<RegistryConfig> = {}): RegistryConfig {
  const merged: RegistryConfig = { ...DEFAULT_REGISTRY_CONFIG };
  for (const key of Object.keys(partial) as (keyof RegistryConfig)[]) {
    if (partial[key] !== undefined) Object.assign(merged, { [key]: partial[key] });
  }
  merged.dataDir = resolve(merged.dataDir);
  const guarded = writesGuarded(merged);
  if (partial.host === undefined) merged.host = guarded || merged.allowOpen ? ANY_HOST : LOOPBACK_HOST;
  if (!guarded && !merged.allowOpen && !isLoopback(merged.host)) {
    throw new InvalidConfigError(
      'REGISTRY_HOST',
      `is ${merged.host}, not loopback, and no write token is set: set REGISTRY_TOKEN (or REGISTRY_WRITE_TOKENS), or REGISTRY_ALLOW_OPEN=true to take writes from anyone`,
    );
  }
  return merged;
}

/** Whether writes need a token: some admin or write token is configured. */
export function writesGuarded(config: Pick<RegistryConfig, 'token' | 'tokens'>): boolean {
  return config.token !== undefined || config.tokens.admin.length > 0 || config.tokens.write.length > 0;
}

/** Whether any route needs a token: false, and the registry installs no guard at all (no per-request cost). */
export function tokensRequired(config: Pick<RegistryConfig, 'token' | 'tokens'>): boolean {
  return writesGuarded(config) || config.tokens.read.length > 0;
}

/** The warning a registry logs at start when it takes writes from anyone beyond loopback (REGISTRY_ALLOW_OPEN=true). */
export function openWritesWarning(config: Pick<RegistryConfig, 'token' | 'tokens' | 'host'>): string | undefined {
  if (writesGuarded(config) || isLoopback(config.host)) return undefined;
  return `REGISTRY_ALLOW_OPEN=true and no write token: anyone who reaches ${config.host} can register, drain and deregister instances`;
}

/** 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === 'localhost';
}

/** The token in the file `name` names (trimmed), for Docker secrets; a missing or empty file fails, naming it. */
function tokenFile(env: Env, name: string): string | undefined {
  const path = nonEmpty(env, name);
  if (path === undefined) return undefined;
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new InvalidConfigError(name, `names a file that cannot be read: ${(error as Error).message}`);
  }
  if (token === '') throw new InvalidConfigError(name, `names an empty file (${path})`);
  return token;
}

function tokenList(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const tokens = raw.split(',').map((token) => token.trim());
  if (tokens.some((token) => token === '')) throw new InvalidConfigError(name, 'must be comma-separated tokens, none empty');
  return tokens;
}

function boolean(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw !== 'true' && raw !== 'false') throw new InvalidConfigError(name, `must be true or false, got "${env[name]}"`);
  return raw === 'true';
}

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new InvalidConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) {
    throw new InvalidConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** A share in [0, 1): 1 or more could never be exceeded, so it would disable silently. */
function fraction(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw.trim());
  if (!/^\d*\.?\d+$/.test(raw.trim()) || value >= 1) {
    throw new InvalidConfigError(name, `must be a number from 0 (disabled) to below 1, got "${raw}"`);
  }
  return value;
}

function nonEmpty(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new InvalidConfigError(name, 'must not be empty');
  return raw.trim();
}
