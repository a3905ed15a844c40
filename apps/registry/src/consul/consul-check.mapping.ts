import { ConsulBadRequestError } from '../errors/consul-bad-request.error';
import { HealthCheckBody, InstanceProtocol, InstanceStatus } from '../registry/instance.entity';
import { CHECK_ID_PREFIX } from './consul.constants';
import { ceilSeconds } from './go-duration';
import { ConsulFields } from './consul.fields';

/** Where the service itself listens: the only address its checks may probe. */
export interface OwnAddress {
  id: string;
  host: string;
  port: number;
}

/** What a Consul check definition becomes: an active check, or a TTL that the instance's renewals keep. */
export interface MappedCheck {
  check?: HealthCheckBody;
  /** A TTL check's TTL, in whole seconds. */
  ttlSeconds?: number;
  /** An HTTP check over `https` makes the instance's primary protocol https (the probe follows it). */
  protocol?: InstanceProtocol;
  /** `Status: critical` asks for the check to start critical. */
  initialStatus?: InstanceStatus;
}

/** Check kinds Consul has and the registry does not run: a registration carrying one is refused. */
const UNSUPPORTED = ['Args', 'Script', 'H2PING', 'UDP', 'DockerContainerID', 'AliasService', 'AliasNode', 'OSService'];

/** The longest a critical instance is kept (the registry's bound); Consul's default is never. */
const MAX_DEREGISTER_AFTER_SECONDS = 86_400;

/**
 * Maps one Consul check definition (`Check` of `PUT /v1/agent/service/register`) onto the registry's check
 * model, refusing what it cannot honour: a target other than the service's own address (the registry never
 * probes other hosts), check kinds it does not run, a custom check id. Thresholds keep Consul's meaning:
 * unset or 0 `FailuresBeforeCritical`/`SuccessBeforePassing` act on the first result, as Consul does.
 */
export function mapConsulCheck(raw: unknown, own: OwnAddress): MappedCheck {
  const check = new ConsulFields(raw, 'Check');
  const unsupported = UNSUPPORTED.find((key) => check.has(key));
  if (unsupported !== undefined) throw bad(`${unsupported} checks are not supported: the registry runs HTTP, TCP, GRPC and TTL checks`);
  const checkId = check.string('CheckID') ?? check.string('ID');
  if (checkId !== undefined && checkId !== `${CHECK_ID_PREFIX}${own.id}`) {
    throw bad(`CheckID must be ${CHECK_ID_PREFIX}${own.id} (the registry runs one check per service), got ${JSON.stringify(checkId)}`);
  }
  const status = check.oneOf('Status', ['passing', 'warning', 'critical']);
  const initialStatus: InstanceStatus | undefined = status === 'critical' ? 'critical' : undefined;
  const ttl = check.duration('TTL');
  if (ttl !== undefined) {
    const ttlSeconds = ceilSeconds(ttl);
    if (ttlSeconds < 1 || ttlSeconds > 3600) throw bad('TTL must be between 1s and 1h');
    return { ttlSeconds, initialStatus };
  }
  const active = activeCheck(check, own);
  if (active === undefined) {
    if (check.isEmpty()) return {};
    throw bad('Check must set one of HTTP, TCP, GRPC or TTL');
  }
  const interval = check.duration('Interval');
  if (interval === undefined || interval <= 0) throw bad('Interval must be > 0 for HTTP, TCP or GRPC checks');
  const timeout = check.duration('Timeout');
  const deregisterAfter = check.duration('DeregisterCriticalServiceAfter');
  const body: HealthCheckBody = {
    ...active.check,
    intervalSeconds: Math.max(1, ceilSeconds(interval)),
    ...(timeout === undefined || timeout <= 0 ? {} : { timeoutSeconds: Math.max(1, ceilSeconds(timeout)) }),
    failuresBeforeCritical: Math.max(1, check.integer('FailuresBeforeCritical') ?? 0),
    successesBeforePassing: Math.max(1, check.integer('SuccessBeforePassing') ?? 0),
    deregisterCriticalAfterSeconds:
      deregisterAfter === undefined || deregisterAfter <= 0
        ? MAX_DEREGISTER_AFTER_SECONDS
        : Math.min(MAX_DEREGISTER_AFTER_SECONDS, Math.max(1, ceilSeconds(deregisterAfter))),
  };
  return { check: body, initialStatus, ...(active.protocol === undefined ? {} : { protocol: active.protocol }) };
}

function activeCheck(check: ConsulFields, own: OwnAddress): { check: HealthCheckBody; protocol?: InstanceProtocol } | undefined {
  const http = check.string('HTTP');
  if (http !== undefined) return httpCheck(check, http, own);
  const tcp = check.string('TCP');
  if (tcp !== undefined) {
    if (check.boolean('TCPUseTLS') === true) throw bad('TCPUseTLS is not supported');
    sameAddress('TCP', tcp, splitAuthority(tcp), own);
    return { check: { type: 'tcp' } };
  }
  const grpc = check.string('GRPC');
  if (grpc !== undefined) {
    if (check.boolean('GRPCUseTLS') === true) throw bad('GRPCUseTLS is not supported');
    const slash = grpc.indexOf('/');
    const authority = slash < 0 ? grpc : grpc.slice(0, slash);
    sameAddress('GRPC', grpc, splitAuthority(authority), own);
    return { check: { type: 'grpc', service: slash < 0 ? '' : grpc.slice(slash + 1) } };
  }
  return undefined;
}

function httpCheck(check: ConsulFields, target: string, own: OwnAddress): { check: HealthCheckBody; protocol: InstanceProtocol } {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw bad(`HTTP check URL ${JSON.stringify(target)} is invalid`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('HTTP check URL must be http:// or https://');
  const method = check.string('Method');
  if (method !== undefined && method !== '' && method.toUpperCase() !== 'GET') throw bad('HTTP checks are GETs: Method must be GET');
  if (check.hasNonEmpty('Header') || check.hasNonEmpty('Body')) throw bad('HTTP checks with a Header or Body are not supported');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  sameAddress('HTTP', target, { host: url.hostname, port }, own);
  return { check: { type: 'http', path: `${url.pathname}${url.search}` }, protocol: url.protocol === 'https:' ? 'https' : 'http' };
}

/** `host:port` or `[v6]:port`. */
function splitAuthority(authority: string): { host: string; port: number } {
  const colon = authority.lastIndexOf(':');
  if (colon <= 0) throw bad(`check target ${JSON.stringify(authority)} must be host:port`);
  const port = Number(authority.slice(colon + 1));
  return { host: authority.slice(0, colon), port: Number.isInteger(port) ? port : Number.NaN };
}

function sameAddress(kind: string, target: string, at: { host: string; port: number }, own: OwnAddress): void {
  const host = at.host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host !== own.host.toLowerCase() || at.port !== own.port) {
    throw bad(
      `${kind} check ${JSON.stringify(target)} must target the service's own address ${own.host}:${own.port}: the registry probes only the instances themselves`,
    );
  }
}

function bad(message: string): ConsulBadRequestError {
  return new ConsulBadRequestError(message);
}
