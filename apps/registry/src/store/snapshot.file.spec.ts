import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { SnapshotDocument } from './registry-store.interface';
import { SnapshotFile } from './snapshot.file';

const snapshot: SnapshotDocument = {
  version: 2,
  revision: 7,
  savedAt: '2025-01-01T00:00:00.000Z',
  instances: [
    {
      id: 'calc-1',
      name: 'calc',
      host: '127.0.0.1',
      port: 8080,
      protocol: 'http',
      tags: ['v1'],
      metadata: { zone: 'a' },
      weight: 1,
      ttlSeconds: 30,
      status: 'passing',
    enabled: true,
      registeredAt: '2025-01-01T00:00:00.000Z',
      lastHeartbeat: '2025-01-01T00:00:00.000Z',
    },
  ],
};

describe('SnapshotFile', () => {
  let dir: string;

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'registry-snapshot-')), 'nested', 'data');
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('reads nothing when there is no snapshot, creating the data dir', async () => {
    expect(await new SnapshotFile(dir).read()).toBeUndefined();
    expect(existsSync(dir)).toBe(true);
  });

  it('round-trips a snapshot and leaves no temp file behind', async () => {
    const file = new SnapshotFile(dir);
    await file.write(snapshot);
    await file.write({ ...snapshot, revision: 8 });
    expect(await file.read()).toEqual({ ...snapshot, revision: 8 });
    expect(readdirSync(dir)).toEqual(['registry.json']);
  });

  it('writes a large snapshot in slices that read back whole, and an empty one', async () => {
    const file = new SnapshotFile(dir);
    const instances = Array.from({ length: 2500 }, (_, i) => ({ ...snapshot.instances[0], id: `calc-${i}` }));
    await file.write({ ...snapshot, instances });
    expect(await file.read()).toEqual({ ...snapshot, instances });
    await file.write({ ...snapshot, instances: [] });
    expect(await file.read()).toEqual({ ...snapshot, instances: [] });
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['no version', JSON.stringify({ ...snapshot, version: undefined })],
    ['a broken instance', JSON.stringify({ ...snapshot, instances: [{ id: 'x' }] })],
  ])('moves a corrupt snapshot (%s) aside and starts empty', async (_case, text) => {
    const file = new SnapshotFile(dir);
    await file.read();
    writeFileSync(file.path, text);
    expect(await file.read()).toBeUndefined();
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^registry\.json\.corrupt-\d+$/);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('Corrupt snapshot'));
  });

  it('refuses a snapshot of a newer version, naming it, and leaves the file where it is', async () => {
    const file = new SnapshotFile(dir);
    await file.read();
    writeFileSync(file.path, JSON.stringify({ ...snapshot, version: 3 }));
    await expect(file.read()).rejects.toThrow(/version-3 snapshot, written by a newer registry/);
    expect(readdirSync(dir)).toEqual(['registry.json']);
  });

  it("reads a version-1 snapshot, folding each app's -grpc entry into its instance's grpc endpoint", async () => {
    const file = new SnapshotFile(dir);
    await file.read();
    const main = snapshot.instances[0];
    const grpcCheck = { type: 'grpc' as const, service: '', intervalSeconds: 10, timeoutSeconds: 2, failuresBeforeCritical: 3, successesBeforePassing: 2, deregisterCriticalAfterSeconds: 60 };
    const sidecar = { ...main, id: 'calc-1-grpc', protocol: 'grpc' as const, port: 50051, check: grpcCheck };
    const stray = { ...main, id: 'other-grpc', protocol: 'grpc' as const, port: 50052 };
    writeFileSync(file.path, JSON.stringify({ ...snapshot, version: 1, instances: [main, sidecar, stray] }));
    const read = await file.read();
    expect(read?.version).toBe(2);
    expect(read?.instances).toEqual([{ ...main, endpoints: { grpc: { port: 50051, protocol: 'grpc', check: grpcCheck } } }, stray]);
  });
});
