import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { calc, http, register, StateJson } from './registry.harness';

/** The built registry as its own process: logging, durability across restarts, config errors. */
jest.setTimeout(30_000);

describe('registry process', () => {
  afterAll(() => stopAll());

  const env = (dataDir: string, snapshotDelayMs = 50): Record<string, string> => ({
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_DATA_DIR: dataDir,
    REGISTRY_SNAPSHOT_DELAY_MS: String(snapshotDelayMs),
  });

  it('logs exactly one listening line with a reachable URL', async () => {
    const app = await startApp('registry', env(tmpDir('registry-proc-')));
    expect(app.output().match(/listening on/g)).toHaveLength(1);
    expect(app.output()).toMatch(/Registry listening on http:\/\/127\.0\.0\.1:\d+/);
    expect((await http(`${app.url}/health`)).body).toMatchObject({ status: 'ok' });
    await app.stop();
  });

  it('writes a snapshot on SIGTERM and restores it on start, continuing the revision', async () => {
    const dataDir = tmpDir('registry-proc-');
    // A debounce longer than the test: only the shutdown hook can have written the snapshot.
    const first = await startApp('registry', env(dataDir, 600_000));
    await register(first.url, calc({ id: 'calc-1', tags: ['v1'] }));
    await register(first.url, calc({ id: 'web-1', name: 'web' }));
    const before = (await http<StateJson>(`${first.url}/services`)).body;
    expect(existsSync(join(dataDir, 'registry.json'))).toBe(false);
    await first.stop('SIGTERM');
    expect(existsSync(join(dataDir, 'registry.json'))).toBe(true);

    const second = await startApp('registry', env(dataDir));
    const after = (await http<StateJson>(`${second.url}/services`)).body;
    expect(after.revision).toBeGreaterThan(before.revision);
    expect(Object.keys(after.services)).toEqual(['calc', 'web']);
    expect(after.services.calc[0]).toMatchObject({ id: 'calc-1', tags: ['v1'], registeredAt: before.services.calc[0].registeredAt });
    expect(second.output()).toMatch(/Restored 2 instance\(s\) of 2 service\(s\)/);
    // A renewal of a restored instance is a renewal, not a new registration.
    expect((await register(second.url, calc({ id: 'calc-1', tags: ['v1'] }))).status).toBe(200);
    await second.stop();
  });

  it('has written a snapshot shortly after a change, so even SIGKILL loses nothing', async () => {
    const dataDir = tmpDir('registry-proc-');
    const first = await startApp('registry', env(dataDir));
    await register(first.url, calc({ id: 'calc-1' }));
    await waitFor(() => existsSync(join(dataDir, 'registry.json')) && readFileSync(join(dataDir, 'registry.json'), 'utf8').includes('calc-1'), {
      message: 'the debounced snapshot',
    });
    await first.kill();

    const second = await startApp('registry', env(dataDir));
    const { body } = await http<StateJson>(`${second.url}/services`);
    expect(body.services.calc.map((instance) => instance.id)).toEqual(['calc-1']);
    await second.stop();
  });

  it('moves a corrupt snapshot aside and starts empty', async () => {
    const dataDir = tmpDir('registry-proc-');
    writeFileSync(join(dataDir, 'registry.json'), '{"version":1,"revision":');
    const app = await startApp('registry', env(dataDir));
    expect((await http<StateJson>(`${app.url}/services`)).body.services).toEqual({});
    expect(app.output()).toMatch(/Corrupt snapshot moved to .*registry\.json\.corrupt-\d+/);
    expect(readdirSync(dataDir).some((name) => /^registry\.json\.corrupt-\d+$/.test(name))).toBe(true);
    await app.stop();
  });

  it('fails fast on a bad variable, naming it', async () => {
    await expect(startApp('registry', { ...env(tmpDir('registry-proc-')), REGISTRY_SWEEP_INTERVAL_MS: 'soon' })).rejects.toThrow(
      /REGISTRY_SWEEP_INTERVAL_MS must be an integer/,
    );
  });
});
