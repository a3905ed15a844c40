import type { RegistryState } from '@nest-discovery/registry-api';
import type { CliOutput } from '../cli.output';
import { endpointCounts } from '../instance.format';
import type { RegistryReader } from '../registry.reader';
import { list, table } from '../table';

/** `services [--json]`: every service with its counts (processes, not listeners), endpoints and tags. @internal */
export async function servicesCommand(reader: RegistryReader, options: { json: boolean }, output: CliOutput): Promise<void> {
  const state = await reader.services();
  output.out(options.json ? JSON.stringify(state, null, 2) : servicesTable(state));
}

/** The table `services` prints, one row per service by name. @internal */
export function servicesTable(state: RegistryState): string {
  const names = Object.keys(state.services).sort();
  if (names.length === 0) return `no services registered (revision ${state.revision})`;
  const rows = names.map((name) => {
    const instances = state.services[name];
    const tags = [...new Set(instances.flatMap((instance) => instance.tags))].sort();
    const passing = instances.filter((instance) => instance.status === 'passing').length;
    return [name, instances.length, passing, endpointCounts(instances).join(', ') || '-', list(tags)];
  });
  return table(['SERVICE', 'INSTANCES', 'PASSING', 'ENDPOINTS', 'TAGS'], rows);
}
