import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryRegistryStore } from '../store/memory.store';
import { ConsulIndex, INDEX_BLOCK, INDEX_FILE_NAME, startOffset } from './consul.index';

async function started(store: MemoryRegistryStore, dataDir: string): Promise<ConsulIndex> {
  const index = new ConsulIndex(store, { dataDir });
  await index.onApplicationBootstrap();
  return index;
}

const registration = (id: string) => ({ id, name: 'web', host: '127.0.0.2', port: 80, protocol: 'http' as const, tags: [], metadata: {}, weight: 1, ttlSeconds: 30 });

describe('ConsulIndex', () => {
  it('starts past the reservation of an earlier run, and at 1 at least', () => {
    expect(startOffset(0, 0)).toBe(1);
    expect(startOffset(0, 7)).toBe(1);
    expect(startOffset(500, 7)).toBe(494);
  });

  it('never goes backwards across a restart that lost revisions (no snapshot)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'consul-index-'));
    const first = new MemoryRegistryStore();
    const before = await started(first, dataDir);
    for (let i = 0; i < 5; i++) await first.upsert(registration(`web-${i}`));
    const lastGiven = before.of(await first.revision());
    before.onApplicationShutdown();

    const restarted = new MemoryRegistryStore();
    const after = await started(restarted, dataDir);
    expect(after.of(await restarted.revision())).toBeGreaterThan(lastGiven);
    expect(after.revisionOf(after.of(3))).toBe(3);
  });

  it('renews the reservation before handing out indexes past it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'consul-index-'));
    const store = new MemoryRegistryStore();
    const index = await started(store, dataDir);
    const reserved = (): number => (JSON.parse(readFileSync(join(dataDir, INDEX_FILE_NAME), 'utf8')) as { reservedTo: number }).reservedTo;
    const first = reserved();
    expect(first).toBe(index.of(0) + INDEX_BLOCK);
    // Jump the revision past half the block, as a long run does.
    store.restore({ version: 2, revision: INDEX_BLOCK, savedAt: new Date().toISOString(), instances: [] });
    expect(reserved()).toBe(index.of(await store.revision()) + INDEX_BLOCK);
    index.onApplicationShutdown();
  });

  it('is the revision plus one on a shared store', async () => {
    const index = new ConsulIndex({ kind: 'redis', revision: async () => 41, onChange: () => () => undefined }, { dataDir: '/nonexistent' });
    await index.onApplicationBootstrap();
    expect(index.of(41)).toBe(42);
  });
});
