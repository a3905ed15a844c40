/** Transport a registered endpoint speaks. */
export type InstanceProtocol = 'http' | 'https' | 'grpc';

export const INSTANCE_PROTOCOLS: readonly InstanceProtocol[] = ['http', 'https', 'grpc'];

/** The registry only keeps instances that heartbeat; anything else has been evicted. */
export type InstanceStatus = 'passing';

/** Service names (and the `:name` route parameter). */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Instance ids: a name, a dash and a random suffix when assigned, anything similar when chosen. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** What a register call asks for, after validation and defaults. */
export interface InstanceRegistration {
  id?: string;
  name: string;
  host: string;
  port: number;
  protocol: InstanceProtocol;
  tags: readonly string[];
  metadata: Readonly<Record<string, string>>;
  weight: number;
  ttlSeconds: number;
}

/**
 * One live instance, exactly as the API returns it. The store hands out these objects as they
 * are (no clone per read), so they stay JSON-ready: plain fields, ISO timestamps.
 */
export interface RegistryInstance extends InstanceRegistration {
  id: string;
  status: InstanceStatus;
  /** ISO-8601 */
  registeredAt: string;
  /** ISO-8601; the only field a plain renewal changes. */
  lastHeartbeat: string;
}

/** Every service's instances, keyed by service name. */
export type ServiceMap = Record<string, readonly RegistryInstance[]>;

/** The whole registry at one revision. */
export interface RegistryState {
  revision: number;
  services: ServiceMap;
}
