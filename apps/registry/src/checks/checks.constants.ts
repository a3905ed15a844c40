/** Injection token of the probers by check type (`Record<CheckType, HealthProber>`). */
export const HEALTH_PROBERS = Symbol('HEALTH_PROBERS');

/** Name of the checker's tick in the SchedulerRegistry. */
export const HEALTH_CHECK_TICK = 'registry.health-check-tick';

/** Name of the leadership renewal in the SchedulerRegistry. */
export const CHECK_LEADERSHIP_RENEWAL = 'registry.health-check-leadership';

/** How often the checker looks for due probes: the lateness a probe may have beyond its phase. */
export const CHECK_TICK_MS = 100;

/** Re-read the whole state this often even without a change event (one missed by a remote store's pub/sub). */
export const CHECK_RESYNC_MS = 30_000;

/** After a failed read of the state, wait this long before the next try. */
export const CHECK_RESYNC_RETRY_MS = 1000;

/** The health-check lease among replicas; renewed every third of it. */
export const CHECK_LEADERSHIP_TTL_MS = 10_000;
