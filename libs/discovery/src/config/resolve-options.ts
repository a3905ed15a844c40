import { INSTANCE_PROTOCOLS, REGISTRATION_LIMITS, SERVICE_NAME_PATTERN } from '@nest-discovery/registry-api';
import {
  DiscoveryModuleOptions,
  LoadBalancingStrategyName,
  ResolvedDiscoveryOptions,
} from '../interfaces/discovery-options.interface';
import { InstanceProtocol } from '../interfaces/service-instance.interface';
import { NAME_REQUIRED } from '../discovery.messages';
import { firstExternalIPv4 } from './advertise-address';
import { DiscoveryConfigError } from './discovery-config.error';
import { envBoolean, envSecret, envValue, fail, integerIn, numberOf } from './option-values';
import { resolveHealthCheck } from './resolve-health-check';
import { resolveTls } from './tls';
import { DEFAULT_RETRY_BUDGET } from '../resilience/retry-budget';

const STRATEGIES: readonly LoadBalancingStrategyName[] = [
  'round-robin',
  'random',
  'weighted',
  'least-outstanding',
  'p2c-ewma',
];
const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:3100';

function normalizeUrl(url: unknown): string {
  if (typeof url !== 'string') return fail('urls', 'http(s) URLs', url);
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return fail('urls', 'http(s) URLs', url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('urls', 'http(s) URLs', url);
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

/** Metadata within the registry contract's ceilings, so the registry never refuses it for its size. */
function metadataRecord(option: string, value: Record<string, string>): Record<string, string> {
  const { metadataEntries, metadataKeyLength, metadataValueLength } = REGISTRATION_LIMITS;
  const entries = Object.entries(value);
  const fits = ([key, entry]: [string, unknown]) =>
    key.length >= 1 && key.length <= metadataKeyLength && typeof entry === 'string' && entry.length <= metadataValueLength;
  if (entries.length > metadataEntries || !entries.every(fits)) {
    fail(option, `at most ${metadataEntries} entries, keys of 1–${metadataKeyLength} and string values of at most ${metadataValueLength} characters`, value);
  }
  return { ...value };
}

/**
 * Merges options, environment variables and defaults (in that order of precedence) and validates
 * the result once, throwing a {@link DiscoveryConfigError} that names the bad option.
 *
 * Environment: `REGISTRY_URL` (comma-separated), `REGISTRY_TOKEN` (or `REGISTRY_TOKEN_FILE`), `REGISTRY_READ_TOKEN` (or `_FILE`), `ADVERTISE_HOST`,
 * `DISCOVERY_ZONE`, `DISCOVERY_TTL_SECONDS`, `DISCOVERY_HEARTBEAT_MS`, `DISCOVERY_INSTANCE_ID`,
 * `DISCOVERY_TRANSPORT`, `DISCOVERY_HTTP_CONNECTIONS`, `DISCOVERY_TCP_CONNECTIONS`, `DISCOVERY_GRPC_DEADLINE_MS`, `DISCOVERY_METRICS`,
 * `DISCOVERY_CHECK`, `DISCOVERY_CHECK_PATH`, `DISCOVERY_CHECK_INTERVAL_SECONDS`, `DISCOVERY_DRAIN_TIMEOUT_MS`,
 * `DISCOVERY_DRAIN_GRACE_MS`, `DISCOVERY_TLS_CERT`, `DISCOVERY_TLS_KEY`, `DISCOVERY_TLS_CA`, `DISCOVERY_TLS_CLIENT_AUTH`.
 *
 * @example
 * const config = resolveDiscoveryOptions({ name: 'calc' }); // ttl 30 s, heartbeat every 10 s
 */
export function resolveDiscoveryOptions(
  options: DiscoveryModuleOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedDiscoveryOptions {
  const register = options.register ?? true;
  const name = options.name;
  if (name !== undefined && (typeof name !== 'string' || !SERVICE_NAME_PATTERN.test(name))) {
    fail('name', `a name matching ${SERVICE_NAME_PATTERN}`, name);
  }
  if (register && !name) throw new DiscoveryConfigError('name', NAME_REQUIRED());

  const ttlSeconds = integerIn(
    'ttlSeconds',
    numberOf('ttlSeconds', options.ttlSeconds, env, 'DISCOVERY_TTL_SECONDS', 30),
    1,
    3600,
  );
  const heartbeatIntervalMs = numberOf(
    'heartbeatIntervalMs',
    options.heartbeatIntervalMs,
    env,
    'DISCOVERY_HEARTBEAT_MS',
    Math.round((ttlSeconds * 1000) / 3),
  );
  // A renewal slower than the TTL lets the registration expire between heartbeats.
  if (!(heartbeatIntervalMs > 0 && heartbeatIntervalMs < ttlSeconds * 1000)) {
    fail('heartbeatIntervalMs', `a positive number of ms below the TTL (${ttlSeconds * 1000} ms)`, heartbeatIntervalMs);
  }

  if (options.port !== undefined) integerIn('port', options.port, 1, 65535);
  const protocol = options.protocol ?? 'http';
  if (!INSTANCE_PROTOCOLS.includes(protocol)) fail('protocol', INSTANCE_PROTOCOLS.join(' | '), protocol);
  const weight = integerIn('weight', options.weight ?? 1, 1, 1000);

  const tags = options.tags ?? [];
  const { tags: maxTags, tagLength } = REGISTRATION_LIMITS;
  if (!Array.isArray(tags) || tags.length > maxTags || tags.some((tag) => typeof tag !== 'string' || tag.length < 1 || tag.length > tagLength)) {
    fail('tags', `at most ${maxTags} strings of 1–${tagLength} characters`, tags);
  }
  const metadata = metadataRecord('metadata', options.metadata ?? {});

  if (options.urls !== undefined && (!Array.isArray(options.urls) || options.urls.length === 0)) {
    fail('urls', 'at least one registry URL', options.urls);
  }
  const rawUrls = options.urls ?? envValue(env, 'REGISTRY_URL')?.split(',').filter((url) => url.trim() !== '');
  const urls = (rawUrls && rawUrls.length > 0 ? rawUrls : [DEFAULT_REGISTRY_URL]).map(normalizeUrl);

  const loadBalancing = options.loadBalancing ?? 'round-robin';
  const isStrategyObject =
    typeof loadBalancing === 'object' && loadBalancing !== null && typeof loadBalancing.select === 'function';
  if (!isStrategyObject && !STRATEGIES.includes(loadBalancing as LoadBalancingStrategyName)) {
    fail('loadBalancing', `${STRATEGIES.join(' | ')} or a strategy object`, loadBalancing);
  }

  const timeoutMs = options.timeoutMs ?? 5000;
  if (!(timeoutMs > 0)) fail('timeoutMs', 'a positive number of ms', timeoutMs);
  const retries = integerIn('retries', options.retries ?? 2, 0, 100);
  const retryBackoffMs = options.retryBackoffMs ?? 25;
  if (!(retryBackoffMs >= 0)) fail('retryBackoffMs', 'a non-negative number of ms', retryBackoffMs);
  const consecutiveFailures = integerIn(
    'outlierEjection.consecutiveFailures',
    options.outlierEjection?.consecutiveFailures ?? 5,
    1,
    1_000_000,
  );
  const cooldownMs = options.outlierEjection?.cooldownMs ?? 10_000;
  if (!(cooldownMs >= 0)) fail('outlierEjection.cooldownMs', 'a non-negative number of ms', cooldownMs);

  const host = options.host ?? envValue(env, 'ADVERTISE_HOST') ?? firstExternalIPv4();
  if (typeof host !== 'string' || host.trim() === '') fail('host', 'a non-empty host', host);

  const transport = options.transport ?? envValue(env, 'DISCOVERY_TRANSPORT') ?? 'undici';
  if (transport !== 'undici' && transport !== 'axios') fail('transport (env DISCOVERY_TRANSPORT)', 'undici | axios', transport);
  const connectionsPerInstance = integerIn(
    'connectionsPerInstance (env DISCOVERY_HTTP_CONNECTIONS)',
    numberOf('connectionsPerInstance', options.connectionsPerInstance, env, 'DISCOVERY_HTTP_CONNECTIONS', 32),
    1,
    10_000,
  );

  const grpcDeadlineMs = numberOf('grpc.deadlineMs', options.grpc?.deadlineMs, env, 'DISCOVERY_GRPC_DEADLINE_MS', 5000);
  if (!(grpcDeadlineMs > 0)) fail('grpc.deadlineMs (env DISCOVERY_GRPC_DEADLINE_MS)', 'a positive number of ms', grpcDeadlineMs);
  const tcpConnections = integerIn(
    'tcp.connectionsPerInstance (env DISCOVERY_TCP_CONNECTIONS)',
    numberOf('tcp.connectionsPerInstance', options.tcp?.connectionsPerInstance, env, 'DISCOVERY_TCP_CONNECTIONS', 2),
    1,
    64,
  );
  const grpcInterceptors = options.grpc?.interceptors ?? [];
  if (!Array.isArray(grpcInterceptors) || grpcInterceptors.some((i) => typeof i?.intercept !== 'function')) {
    fail('grpc.interceptors', 'an array of objects with an intercept(ctx, next) method', grpcInterceptors);
  }

  const httpInterceptors = options.http?.interceptors ?? [];
  if (!Array.isArray(httpInterceptors) || httpInterceptors.some((i) => typeof i?.intercept !== 'function')) {
    fail('http.interceptors', 'an array of objects with an intercept(ctx, next) method', httpInterceptors);
  }
  const budgetRatio = numberOf('retryBudget.ratio', options.retryBudget?.ratio, env, 'DISCOVERY_RETRY_BUDGET_RATIO', DEFAULT_RETRY_BUDGET.ratio);
  if (!(budgetRatio >= 0 && budgetRatio <= 10)) fail('retryBudget.ratio (env DISCOVERY_RETRY_BUDGET_RATIO)', 'a number from 0 to 10', budgetRatio);
  const budgetMin = numberOf(
    'retryBudget.minPerSecond',
    options.retryBudget?.minPerSecond,
    env,
    'DISCOVERY_RETRY_BUDGET_MIN_PER_SECOND',
    DEFAULT_RETRY_BUDGET.minPerSecond,
  );
  if (!(budgetMin >= 0)) fail('retryBudget.minPerSecond (env DISCOVERY_RETRY_BUDGET_MIN_PER_SECOND)', 'a non-negative number', budgetMin);
  const budgetWindow = integerIn('retryBudget.windowSeconds', options.retryBudget?.windowSeconds ?? DEFAULT_RETRY_BUDGET.windowSeconds, 1, 600);

  const drainTimeoutMs = numberOf('drainTimeoutMs', options.drainTimeoutMs, env, 'DISCOVERY_DRAIN_TIMEOUT_MS', 10_000);
  if (!(drainTimeoutMs >= 0 && drainTimeoutMs <= 600_000)) {
    fail('drainTimeoutMs (env DISCOVERY_DRAIN_TIMEOUT_MS)', 'a number of ms between 0 and 600000', drainTimeoutMs);
  }
  const drainGraceMs = numberOf('drainGraceMs', options.drainGraceMs, env, 'DISCOVERY_DRAIN_GRACE_MS', 300);
  if (!(drainGraceMs >= 0 && drainGraceMs <= 60_000)) {
    fail('drainGraceMs (env DISCOVERY_DRAIN_GRACE_MS)', 'a number of ms between 0 and 60000', drainGraceMs);
  }

  if (options.metrics !== undefined && typeof options.metrics !== 'boolean') fail('metrics', 'true or false', options.metrics);

  return {
    name,
    register,
    host,
    port: options.port,
    protocol,
    instanceId: options.instanceId ?? envValue(env, 'DISCOVERY_INSTANCE_ID'),
    tags: [...tags],
    metadata,
    weight,
    ttlSeconds,
    heartbeatIntervalMs,
    urls,
    token: options.token ?? envSecret(env, 'REGISTRY_TOKEN'),
    readToken: options.readToken ?? envSecret(env, 'REGISTRY_READ_TOKEN') ?? options.token ?? envSecret(env, 'REGISTRY_TOKEN'),
    zone: options.zone ?? envValue(env, 'DISCOVERY_ZONE') ?? metadata.zone,
    loadBalancing,
    timeoutMs,
    retries,
    retryBackoffMs,
    outlierEjection: { consecutiveFailures, cooldownMs },
    watch: options.watch ?? true,
    transport,
    connectionsPerInstance,
    grpc: {
      deadlineMs: grpcDeadlineMs,
      interceptors: [...grpcInterceptors],
      channelOptions: { ...options.grpc?.channelOptions },
      credentials: options.grpc?.credentials,
    },
    http: { interceptors: [...httpInterceptors] },
    tcp: { connectionsPerInstance: tcpConnections },
    retryBudget: { ratio: budgetRatio, minPerSecond: budgetMin, windowSeconds: budgetWindow },
    metrics: options.metrics ?? envBoolean(env, 'DISCOVERY_METRICS') ?? true,
    check: resolveHealthCheck(options.check, env),
    drainTimeoutMs,
    drainGraceMs,
    tls: resolveTls(env),
  };
}
