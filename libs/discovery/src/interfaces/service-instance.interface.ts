/** Transport a registered endpoint speaks. */
export type InstanceProtocol = 'http' | 'https' | 'grpc';

/** Health of an instance as the registry sees it. */
export type InstanceStatus = 'passing' | 'warning' | 'critical';

/**
 * One live instance of a service, exactly as the registry returns it.
 */
export interface ServiceInstance {
  id: string;
  name: string;
  host: string;
  port: number;
  protocol: InstanceProtocol;
  tags: string[];
  metadata: Record<string, string>;
  weight: number;
  ttlSeconds: number;
  status: InstanceStatus;
  /** ISO-8601 */
  registeredAt: string;
  /** ISO-8601 */
  lastHeartbeat: string;
}

/** Every service's instances, keyed by service name. */
export type ServiceMap = Record<string, ServiceInstance[]>;
