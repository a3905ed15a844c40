import { ConsulBadRequestError } from '../errors/consul-bad-request.error';
import { InstanceStatus, RegisterBody } from '../registry/instance.entity';
import { mapConsulCheck, MappedCheck } from './consul-check.mapping';
import { AGENT_HELD_TTL_SECONDS } from './consul.constants';
import { ConsulFields } from './consul.fields';

/** A Consul service definition in the registry's terms. */
export interface ConsulRegistration {
  /** The register body, still to pass the registry's own validation (names, lengths, ranges). */
  body: RegisterBody;
  /** A TTL check's TTL, else {@link AGENT_HELD_TTL_SECONDS}: the registry keeps the instance until deregistered. */
  ttlSeconds: number;
  /** The check asked to start critical. */
  initialStatus?: InstanceStatus;
}

/** Service fields of Consul's that the registry cannot honour: a definition setting one is refused. */
const UNSUPPORTED = ['Connect', 'Proxy', 'SidecarService'];

/**
 * Maps the body of `PUT /v1/agent/service/register` onto a registration. Consul's defaults apply: `ID` is
 * the `Name`, `Address` the caller's (a Consul agent's services default to its node's address: here the
 * node is the host that registers), `Weights.Passing` the weight. At most one check: the registry runs
 * one per instance.
 *
 * @example
 * mapConsulService({ Name: 'web', Port: 8080, Check: { TTL: '15s' } }, '127.0.0.2');
 * // { body: { id: 'web', name: 'web', host: '127.0.0.2', port: 8080, … }, ttlSeconds: 15 }
 */
export function mapConsulService(raw: unknown, callerAddress: string): ConsulRegistration {
  const service = new ConsulFields(raw, 'service');
  const name = service.string('Name');
  if (name === undefined || name === '') throw new ConsulBadRequestError('Missing service name');
  const kind = service.string('Kind');
  if (kind !== undefined && kind !== '') throw new ConsulBadRequestError(`Kind ${JSON.stringify(kind)} is not supported: only typical services`);
  const unsupported = UNSUPPORTED.find((key) => service.hasNonEmpty(key));
  if (unsupported !== undefined) throw new ConsulBadRequestError(`${unsupported} is not supported by this registry`);
  const id = nonEmpty(service.string('ID')) ?? name;
  const host = nonEmpty(service.string('Address')) ?? callerAddress;
  const port = service.integer('Port');
  if (port === undefined || port === 0) throw new ConsulBadRequestError('Port is required: the registry routes to an address and a port');
  const mapped = mapChecks(service, { id, host, port });
  const passing = service.object('Weights')?.integer('Passing');
  if (passing === 0) throw new ConsulBadRequestError('Weights.Passing must be greater than 0');
  const tags = service.strings('Tags');
  const metadata = service.stringMap('Meta');
  const body: RegisterBody = {
    id,
    name,
    host,
    port,
    ...(mapped.protocol === undefined ? {} : { protocol: mapped.protocol }),
    ...(tags === undefined ? {} : { tags }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(passing === undefined ? {} : { weight: passing }),
    ...(mapped.check === undefined ? {} : { check: mapped.check }),
  };
  return {
    body,
    ttlSeconds: mapped.ttlSeconds ?? AGENT_HELD_TTL_SECONDS,
    ...(mapped.initialStatus === undefined ? {} : { initialStatus: mapped.initialStatus }),
  };
}

function mapChecks(service: ConsulFields, own: { id: string; host: string; port: number }): MappedCheck {
  const list = service.raw('Checks');
  if (list !== undefined && list !== null && !Array.isArray(list)) throw new ConsulBadRequestError('Request decode failed: Checks must be an array');
  const checks = [...(service.has('Check') ? [service.raw('Check')] : []), ...((list as unknown[] | null | undefined) ?? [])];
  const mapped = checks.map((check) => mapConsulCheck(check, own)).filter((check) => check.check !== undefined || check.ttlSeconds !== undefined);
  if (mapped.length > 1) throw new ConsulBadRequestError('At most one check per service: the registry runs one check per instance');
  return mapped[0] ?? {};
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
