/** Injection token of the resolved {@link RegistryConfig}. */
export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');

/** Injection token of the {@link RegistryStore} the controllers talk to. */
export const REGISTRY_STORE = Symbol('REGISTRY_STORE');

/** Injection token of the {@link Clock}. */
export const REGISTRY_CLOCK = Symbol('REGISTRY_CLOCK');

/** Name of the expiry sweep in the SchedulerRegistry. */
export const EXPIRY_SWEEP_INTERVAL = 'registry.expiry-sweep';
