import type { RegisterAnswer } from '@nest-discovery/registry-api';

// The registry's requests and answers are its wire contract, declared once in @nest-discovery/registry-api.
export type { EndpointBody, HealthCheckBody, InstancePatch, RegisterBody } from '@nest-discovery/registry-api';

/** `POST /register` answer as the client sees it: the contract's, plus the HTTP status. @internal */
export interface RegisterResult extends RegisterAnswer {
  /** 201 for a new registration (also after a registry lost its state), 200 for a renewal. */
  status: number;
}
