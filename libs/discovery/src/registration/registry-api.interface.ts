import { EndpointProtocol, InstanceHealthCheck, ServiceInstance, ServiceMap } from '../interfaces/service-instance.interface';

/**
 * A registration's `check`: the type and what is set; the registry fills in the rest. @internal
 */
export type HealthCheckBody = Pick<InstanceHealthCheck, 'type'> & Partial<Omit<InstanceHealthCheck, 'type'>>;

/**
 * A named endpoint in a registration: reached at the instance's host on `port`. `protocol` may be
 * left out when the name is a protocol (`grpc`); the library always sends it. @internal
 */
export interface EndpointBody {
  port: number;
  protocol?: EndpointProtocol;
  check?: HealthCheckBody;
}

/**
 * What `POST /register` takes: the full instance description, its named endpoints included, sent on
 * every renewal. The fields the registry owns (status, drain, overrides, endpoint health,
 * timestamps) are not the instance's to send. @internal
 */
export type RegisterBody = Omit<
  ServiceInstance,
  | 'id'
  | 'status'
  | 'enabled'
  | 'overrides'
  | 'check'
  | 'statusSince'
  | 'checkOutput'
  | 'endpoints'
  | 'endpointHealth'
  | 'registeredAt'
  | 'lastHeartbeat'
> & { id?: string; check?: HealthCheckBody; endpoints?: Record<string, EndpointBody> };

/** `PATCH /service/:name/:id` body: `enabled: false` drains the instance; `weight: null` lifts an override. @internal */
export interface InstancePatch {
  enabled?: boolean;
  weight?: number | null;
}

/** `POST /register` answer; `services` is omitted when `knownRevision` was current. @internal */
export interface RegisterResult {
  /** 201 for a new registration (also after a registry lost its state), 200 for a renewal. */
  status: number;
  instance: ServiceInstance;
  revision: number;
  services?: ServiceMap;
}

/** `GET /services` and `GET /watch` answer. @internal */
export interface RegistrySnapshot {
  revision: number;
  services: ServiceMap;
}
