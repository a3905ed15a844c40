import type { RegistryState, ServiceMap } from '@nest-discovery/registry-api';
import { describeChange } from '../change.format';
import type { CliOutput } from '../cli.output';
import type { RegistryReader } from '../registry.reader';
import { diffServices } from '../state.diff';

/** How long each long poll of `GET /watch` parks at the registry. */
const WATCH_TIMEOUT_SECONDS = 30;
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 10_000;

/**
 * `watch [--json]`: the current state in one line, then a line per change (added, removed, updated field
 * by field) until `stopped()`. A registry that goes away is reported once and retried with jittered
 * backoff; only the first read must succeed.
 * @internal
 */
export async function watchCommand(
  reader: RegistryReader,
  options: { json: boolean },
  output: CliOutput,
  stopped: () => boolean,
): Promise<void> {
  let state = await reader.watch(undefined, 0);
  if (options.json) output.out(JSON.stringify({ revision: state.revision, services: state.services }));
  else output.out(`${stamp()} ${summary(state)} — watching ${reader.registry} (Ctrl-C to stop)`);
  let failures = 0;
  while (!stopped()) {
    let next: RegistryState;
    try {
      next = await reader.watch(state.revision, WATCH_TIMEOUT_SECONDS);
    } catch (error) {
      if (stopped()) break;
      failures += 1;
      if (failures === 1) output.err(`${stamp()} ${(error as Error).message}; retrying`);
      await sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failures) * (0.5 + Math.random() / 2));
      continue;
    }
    if (failures > 0) output.err(`${stamp()} registry reachable again`);
    failures = 0;
    if (next.revision === state.revision) continue; // the long poll timed out unchanged
    const changes = diffServices(state.services, next.services);
    if (options.json) output.out(JSON.stringify({ revision: next.revision, changes }));
    else {
      if (changes.length === 0) output.out(`${stamp()} revision ${next.revision}`);
      for (const change of changes) output.out(`${stamp()} revision ${next.revision} ${describeChange(change)}`);
    }
    state = next;
  }
}

function summary({ revision, services }: RegistryState): string {
  return `revision ${revision}: ${Object.keys(services).length} services, ${instanceCount(services)} instances`;
}

function instanceCount(services: ServiceMap): number {
  return Object.values(services).reduce((sum, instances) => sum + instances.length, 0);
}

/** The time of day (UTC), `HH:MM:SS`. */
function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

/**
 * Not unref'd: between two attempts this timer is all that keeps the process alive, and a watch runs until
 * Ctrl-C, not until the registry first goes away.
 */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
