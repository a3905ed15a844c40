import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

/**
 * A new registry holding the process metrics (CPU, memory, event-loop lag, GC, handles), collected
 * once per process and shared by every registry made here: per process because that is what they
 * measure, and once because each collection leaves a GC observer and an event-loop monitor running
 * for good (a test booting many apps in one process would otherwise leak one of each per app). A
 * metric may sit in several registries; it is read at scrape time. @internal
 */
export function registryWithProcessMetrics(): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return Registry.merge([shared]);
}
