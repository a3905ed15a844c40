import { EndpointProtocol, HealthCheck, InstanceProtocol, RegistryInstance, ServiceMap } from './instance';

/** A registration's `check`: the type and what is set; the registry fills in the rest. */
export type HealthCheckBody = Pick<HealthCheck, 'type'> & Partial<Omit<HealthCheck, 'type'>>;

/**
 * A named endpoint in a registration, reached at the instance's host on `port`. `protocol` may be left out
 * when the name is a protocol (`grpc`).
 */
export interface EndpointBody {
  port: number;
  protocol?: EndpointProtocol;
  check?: HealthCheckBody;
}

/**
 * `POST /register`: the full instance description, sent on every renewal. The fields the registry owns
 * (status, drain, overrides, endpoint health, timestamps) are not the instance's to send.
 */
export interface RegisterBody {
  /** Unique instance id; assigned as `<name>-<random>` when absent. */
  id?: string;
  name: string;
  host: string;
  port: number;
  /** Default `http`. */
  protocol?: InstanceProtocol;
  /** Default `[]`. */
  tags?: readonly string[];
  /** Default `{}`. */
  metadata?: Readonly<Record<string, string>>;
  /** Default 1. */
  weight?: number;
  /** Default 30. */
  ttlSeconds?: number;
  check?: HealthCheckBody;
  endpoints?: Readonly<Record<string, EndpointBody>>;
}

/** `POST /register` answer; `services` is left out when the caller's `knownRevision` was current. */
export interface RegisterAnswer {
  instance: RegistryInstance;
  revision: number;
  services?: ServiceMap;
}

/** `PATCH /service/:name/:id` body: `enabled: false` drains the instance; `weight: null` lifts an override. */
export interface InstancePatch {
  enabled?: boolean;
  weight?: number | null;
}

/** The first line of a `GET /session/:name/:id` stream: it names the session's instance. */
export interface SessionGreeting {
  session: string;
  revision: number;
}

/** Every error answer: the message names the field, parameter or bound at fault. */
export interface ErrorAnswer {
  statusCode: number;
  error: string;
  message: string;
  /** A stable code for typed errors, e.g. `INSTANCE_NOT_FOUND`. */
  code?: string;
}
