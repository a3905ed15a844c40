import type { RegistryInstance } from '@nest-discovery/registry-api';
import type { CliOutput } from '../cli.output';
import { address, endpoints, status } from '../instance.format';
import type { RegistryReader } from '../registry.reader';
import { formatAge, list, table } from '../table';

/** `instances <name> [--tag t] [--json]`: one service's instances with their endpoints. @internal */
export async function instancesCommand(
  reader: RegistryReader,
  name: string,
  options: { tag: string | undefined; json: boolean },
  output: CliOutput,
): Promise<void> {
  const found = await reader.instances(name, options.tag);
  output.out(options.json ? JSON.stringify(found, null, 2) : instancesTable(found, name, options.tag, Date.now()));
}

/** The table `instances` prints, one row per instance by id; heartbeat ages are taken at `now`. @internal */
export function instancesTable(found: readonly RegistryInstance[], name: string, tag: string | undefined, now: number): string {
  if (found.length === 0) return `no instances of "${name}"${tag ? ` with tag "${tag}"` : ''}`;
  const rows = [...found]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((instance) => [
      instance.id,
      address(instance),
      instance.protocol,
      status(instance),
      endpoints(instance).join(', ') || '-',
      instance.weight,
      list(instance.tags),
      `${formatAge(now - Date.parse(instance.lastHeartbeat))} ago`,
    ]);
  return table(['ID', 'ADDRESS', 'PROTOCOL', 'STATUS', 'ENDPOINTS', 'WEIGHT', 'TAGS', 'HEARTBEAT'], rows);
}
