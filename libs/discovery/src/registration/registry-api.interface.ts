import { ServiceInstance, ServiceMap } from '../interfaces/service-instance.interface';

/** What `POST /register` takes: the full instance description, sent on every renewal. @internal */
export type RegisterBody = Omit<ServiceInstance, 'id' | 'status' | 'registeredAt' | 'lastHeartbeat'> & { id?: string };

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
