import { EndpointProtocol } from '../interfaces/service-instance.interface';

/** A read-only view of this app's registration, for health checks and info endpoints. */
export interface RegistrationState {
  /** False when the module was configured with `register: false`. */
  readonly enabled: boolean;
  /** True while the main registration is alive: it or a renewal succeeded less than a TTL ago, and no deregistration since. */
  readonly registered: boolean;
  readonly name: string | undefined;
  /** The configured id, else the one the registry assigned on first registration. */
  readonly instanceId: string | undefined;
  readonly host: string;
  /** Advertised port; undefined until the HTTP server listens (or the `port` option). */
  readonly port: number | undefined;
  readonly lastRenewalAt: Date | undefined;
  /** Message of the last failed attempt; cleared by the next success. */
  readonly lastError: string | undefined;
  /** The app's named endpoints (`RegistrationService.addEndpoint`), registered with the instance. */
  readonly endpoints: readonly RegisteredEndpoint[];
  /** True once a graceful stop began: the instance drains, then deregisters. */
  readonly stopping: boolean;
}

/** A named endpoint of this app's instance (`endpoints.<name>` of its registration). */
export interface RegisteredEndpoint {
  readonly name: string;
  readonly protocol: EndpointProtocol;
  readonly port: number;
}
