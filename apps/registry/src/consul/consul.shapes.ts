import { createHash } from 'node:crypto';
import { isRoutable, RegistryInstance } from '../registry/instance.entity';
import { AGENT_HELD_TTL_SECONDS, CHECK_ID_PREFIX, MAINTENANCE_CHECK_ID_PREFIX } from './consul.constants';

/** Where an answer is from: the datacenter, and the index it describes (`CreateIndex`/`ModifyIndex`). */
export interface ShapeContext {
  datacenter: string;
  index: number;
}

/** Consul's `AgentService`: `GET /v1/agent/services` values. */
export interface ConsulAgentService {
  ID: string;
  Service: string;
  Tags: readonly string[];
  Meta: Readonly<Record<string, string>>;
  Address: string;
  Port: number;
  Weights: { Passing: number; Warning: number };
  EnableTagOverride: boolean;
  Datacenter: string;
}

export interface ConsulNode {
  ID: string;
  Node: string;
  Address: string;
  Datacenter: string;
  TaggedAddresses: Record<string, string>;
  Meta: Record<string, string>;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface ConsulCheck {
  Node: string;
  CheckID: string;
  Name: string;
  Status: 'passing' | 'critical';
  Notes: string;
  Output: string;
  ServiceID: string;
  ServiceName: string;
  ServiceTags: readonly string[];
  Type: string;
  CreateIndex: number;
  ModifyIndex: number;
}

/** One entry of `GET /v1/health/service/:name`. */
export interface ConsulServiceEntry {
  Node: ConsulNode;
  Service: ConsulAgentService & { CreateIndex: number; ModifyIndex: number };
  Checks: ConsulCheck[];
}

/**
 * The Consul view of an instance. Consul places services on nodes (one agent per machine); here every host
 * instances are registered at is a node, named by its address, so instances of one machine share one.
 */
export function agentService(instance: RegistryInstance, datacenter: string): ConsulAgentService {
  return {
    ID: instance.id,
    Service: instance.name,
    Tags: instance.tags,
    Meta: instance.metadata,
    Address: instance.host,
    Port: instance.port,
    Weights: { Passing: instance.weight, Warning: 1 },
    EnableTagOverride: false,
    Datacenter: datacenter,
  };
}

export function nodeOf(host: string, context: ShapeContext): ConsulNode {
  return {
    ID: nodeId(host),
    Node: host,
    Address: host,
    Datacenter: context.datacenter,
    TaggedAddresses: { lan: host, wan: host },
    Meta: {},
    CreateIndex: context.index,
    ModifyIndex: context.index,
  };
}

/**
 * The instance with its node and checks. `Checks` holds the node's `serfHealth` (always passing: the
 * registry knows no node health), the service's own check when it has one — its active check, or its TTL
 * for an instance that lives by renewals — and, for a drained instance, the maintenance check Consul adds
 * in maintenance mode. So Consul's `?passing` (every check passing) is exactly the registry's routable.
 */
export function serviceEntry(instance: RegistryInstance, context: ShapeContext): ConsulServiceEntry {
  const node = nodeOf(instance.host, context);
  const check = (CheckID: string, Name: string, Status: ConsulCheck['Status'], Type: string, Output: string, Notes = ''): ConsulCheck => ({
    Node: node.Node,
    CheckID,
    Name,
    Status,
    Notes,
    Output,
    ServiceID: CheckID === 'serfHealth' ? '' : instance.id,
    ServiceName: CheckID === 'serfHealth' ? '' : instance.name,
    ServiceTags: CheckID === 'serfHealth' ? [] : instance.tags,
    Type,
    CreateIndex: context.index,
    ModifyIndex: context.index,
  });
  const checks = [check('serfHealth', 'Serf Health Status', 'passing', '', 'Agent alive and reachable')];
  const type = checkType(instance);
  if (type !== undefined) {
    checks.push(check(`${CHECK_ID_PREFIX}${instance.id}`, `Service '${instance.name}' check`, instance.status, type, instance.checkOutput ?? ''));
  }
  if (instance.enabled === false) {
    checks.push(check(`${MAINTENANCE_CHECK_ID_PREFIX}${instance.id}`, 'Service Maintenance Mode', 'critical', 'maintenance', '', 'Drained'));
  }
  return {
    Node: node,
    Service: { ...agentService(instance, context.datacenter), CreateIndex: context.index, ModifyIndex: context.index },
    Checks: checks,
  };
}

/** One entry of `GET /v1/catalog/service/:name`: the node's fields and the service's, flat. */
export function catalogEntry(instance: RegistryInstance, context: ShapeContext): Record<string, unknown> {
  const node = nodeOf(instance.host, context);
  const service = agentService(instance, context.datacenter);
  return {
    ID: node.ID,
    Node: node.Node,
    Address: node.Address,
    Datacenter: node.Datacenter,
    TaggedAddresses: node.TaggedAddresses,
    NodeMeta: node.Meta,
    ServiceKind: '',
    ServiceID: service.ID,
    ServiceName: service.Service,
    ServiceTags: service.Tags,
    ServiceAddress: service.Address,
    ServiceWeights: service.Weights,
    ServiceMeta: service.Meta,
    ServicePort: service.Port,
    ServiceEnableTagOverride: false,
    CreateIndex: context.index,
    ModifyIndex: context.index,
  };
}

/** Consul's `?passing`: every check of the entry passing, i.e. the instance routable. */
export const isPassing = isRoutable;

/** The Consul type of the instance's check: its active check's, `ttl` when it lives by renewals, none when held. */
function checkType(instance: RegistryInstance): string | undefined {
  if (instance.check !== undefined) return instance.check.type;
  return instance.ttlSeconds === AGENT_HELD_TTL_SECONDS ? undefined : 'ttl';
}

/** A stable node id (a UUID's shape, as Consul's are) per host. */
function nodeId(host: string): string {
  const hex = createHash('sha256').update(host).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
