import { Logger } from '@nestjs/common';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { INSTANCE_PROTOCOLS, RegistryInstance } from '../registry/instance.entity';
import { SnapshotDocument } from './registry-store.interface';
import { foldEndpointEntries, SNAPSHOT_VERSION } from './snapshot.migration';

export const SNAPSHOT_FILE_NAME = 'registry.json';

/**
 * Reads and writes `<dataDir>/registry.json`. Writes are atomic (temp file in the same directory,
 * fsync, rename), so a crash mid-write leaves the previous snapshot intact.
 */
export class SnapshotFile {
  private readonly logger = new Logger('Snapshot');
  readonly path: string;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, SNAPSHOT_FILE_NAME);
  }

  /**
   * The saved snapshot, or undefined when there is none. A snapshot that cannot be parsed is moved
   * aside to `registry.json.corrupt-<timestamp>` (kept for inspection) and treated as absent.
   */
  async read(): Promise<SnapshotDocument | undefined> {
    await mkdir(this.dataDir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // Parsed once (a 100k-instance snapshot is a parse tree of ~100 MB): the version is read from the tree.
    const parsed = parseJson(text);
    const version = versionOf(parsed);
    if (version !== undefined && version > SNAPSHOT_VERSION) {
      // Written by a newer registry: starting empty would drop every instance it knew, so refuse.
      throw new Error(
        `${this.path} is a version-${version} snapshot, written by a newer registry; this one reads versions 1 to ${SNAPSHOT_VERSION}. ` +
          'Run the newer registry, or move the file away to start empty.',
      );
    }
    try {
      if (!parsed.ok) throw parsed.error;
      const { snapshot, folded } = checkSnapshot(parsed.value);
      if (version === 1) {
        this.logger.log(
          `Read a version-1 snapshot (before named endpoints): ${folded} gRPC entr${folded === 1 ? 'y' : 'ies'} folded into ` +
            'their instances as the grpc endpoint; it is written back as version 2',
        );
      }
      return snapshot;
    } catch (error) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, aside);
      this.logger.warn(`Corrupt snapshot moved to ${aside} (${(error as Error).message}); starting empty`);
      return undefined;
    }
  }

  async write(snapshot: SnapshotDocument): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    const handle = await open(temp, 'w');
    try {
      // In slices, each its own write: a 100 000-instance registry is ~30 MB of JSON, which as one string
      // (and its bytes) held the event loop for a few hundred ms and added as much to the registry's memory.
      const { instances, ...head } = snapshot;
      const opening = JSON.stringify(head);
      await handle.write(`${opening.slice(0, -1)}${opening.length > 2 ? ',' : ''}"instances":[`);
      for (let from = 0; from < instances.length; from += SNAPSHOT_SLICE) {
        const json = JSON.stringify(instances.slice(from, from + SNAPSHOT_SLICE));
        await handle.write(from === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`);
      }
      await handle.write(']}');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}

/** Instances serialized per write of a snapshot. */
const SNAPSHOT_SLICE = 1000;

/**
 * Parses and checks a snapshot's shape, migrating a version-1 one; throws on anything that is not one.
 * @internal
 */
export function parseSnapshot(text: string): { snapshot: SnapshotDocument; folded: number } {
  return checkSnapshot(JSON.parse(text));
}

/** {@link parseSnapshot} of an already parsed document. */
function checkSnapshot(value: unknown): { snapshot: SnapshotDocument; folded: number } {
  if (!isRecord(value) || (value.version !== 1 && value.version !== SNAPSHOT_VERSION)) throw new Error('unknown snapshot version');
  if (!Number.isSafeInteger(value.revision) || (value.revision as number) < 0) throw new Error('bad revision');
  if (!Array.isArray(value.instances)) throw new Error('instances is not an array');
  value.instances.forEach((instance, index) => {
    if (!isInstance(instance)) throw new Error(`instances[${index}] is not an instance`);
  });
  const read = value as unknown as Omit<SnapshotDocument, 'version'> & { version: number };
  if (read.version === SNAPSHOT_VERSION) return { snapshot: read as SnapshotDocument, folded: 0 };
  const { instances, folded } = foldEndpointEntries(read.instances);
  return { snapshot: { ...read, version: SNAPSHOT_VERSION, instances }, folded };
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: Error };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/** The `version` a snapshot declares, when it is JSON with an integer one. */
function versionOf(parsed: Parsed): number | undefined {
  return parsed.ok && isRecord(parsed.value) && Number.isInteger(parsed.value.version) ? (parsed.value.version as number) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInstance(value: unknown): value is RegistryInstance {
  if (!isRecord(value)) return false;
  const { id, name, host, port, protocol, tags, metadata, weight, ttlSeconds, registeredAt } = value;
  return (
    typeof id === 'string' &&
    typeof name === 'string' &&
    typeof host === 'string' &&
    Number.isInteger(port) &&
    INSTANCE_PROTOCOLS.includes(protocol as RegistryInstance['protocol']) &&
    Array.isArray(tags) &&
    tags.every((tag) => typeof tag === 'string') &&
    isRecord(metadata) &&
    Object.values(metadata).every((entry) => typeof entry === 'string') &&
    Number.isInteger(weight) &&
    Number.isInteger(ttlSeconds) &&
    (ttlSeconds as number) > 0 &&
    typeof registeredAt === 'string' &&
    (value.endpoints === undefined || isEndpointMap(value.endpoints))
  );
}

function isEndpointMap(value: unknown): boolean {
  return isRecord(value) && Object.values(value).every((endpoint) => isRecord(endpoint) && Number.isInteger(endpoint.port));
}
