import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

/**
 * The process metrics (CPU, memory, event-loop lag, GC, handles), collected once per process and
 * shared by every metrics registry in it. Per process because that is what they measure, and once
 * because each collection leaves a GC observer and an event-loop monitor running for good: a test
 * process booting a hundred registries would otherwise leak a hundred of each.
 */
export function processMetrics(): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}

/**
 * A new registry that already holds the process metrics; add your own to it. (A metric may sit in
 * several registries: it is read at scrape time.)
 */
export function registryWithProcessMetrics(): Registry {
  return Registry.merge([processMetrics()]);
}
