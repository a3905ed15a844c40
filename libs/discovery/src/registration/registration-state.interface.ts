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
  /** Endpoints registered beside the main one (`RegistrationService.addEndpoint`). */
  readonly endpoints: readonly RegisteredEndpoint[];
  /** True once a graceful stop began: the instance drains, then deregisters. */
  readonly stopping: boolean;
}

/** An endpoint registered beside the main one. */
export interface RegisteredEndpoint {
  /** Undefined until the main registration has an id. */
  readonly id: string | undefined;
  readonly protocol: string;
  readonly port: number;
}
