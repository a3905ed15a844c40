import { freePort } from '../helpers/free-port';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

interface ListedInstance {
  id: string;
  name: string;
  host: string;
  port: number;
  status: string;
}

async function listed(registryUrl: string, service = 'calc'): Promise<ListedInstance[]> {
  const response = await fetch(`${registryUrl}/service/${service}`);
  if (!response.ok) throw new Error(`registry answered ${response.status}`);
  return (await response.json()) as ListedInstance[];
}

async function findCalc(registryUrl: string, calc: RunningApp): Promise<ListedInstance | undefined> {
  return (await listed(registryUrl)).find((instance) => instance.port === calc.port);
}

function startRegistry(port: number, dataDir: string): Promise<RunningApp> {
  return startApp('registry', {
    REGISTRY_PORT: String(port),
    REGISTRY_DATA_DIR: dataDir,
    REGISTRY_SWEEP_INTERVAL_MS: '100',
    REGISTRY_SNAPSHOT_DELAY_MS: '0',
    NO_COLOR: '1', // the helper reads the URL out of the log line
  });
}

function startCalc(registryUrl: string, env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp('calc', {
    REGISTRY_URL: registryUrl,
    ADVERTISE_HOST: '127.0.0.1',
    DISCOVERY_HEARTBEAT_MS: '200',
    DISCOVERY_TTL_SECONDS: '30',
    NO_COLOR: '1',
    ...env,
  });
}

describe('registration (real processes)', () => {
  jest.setTimeout(30_000);
  afterAll(() => stopAll());

  it('registers with the real listening port, and a graceful stop deregisters at once', async () => {
    const registry = await startRegistry(0, tmpDir());
    const calc = await startCalc(registry.url);
    const instance = await waitFor(() => findCalc(registry.url, calc), { message: 'calc registered' });
    expect(instance).toMatchObject({ name: 'calc', host: '127.0.0.1', status: 'passing' });

    const info = (await (await fetch(`${calc.url}/info`)).json()) as { instanceId: string; port: number };
    expect(info).toMatchObject({ instanceId: instance.id, port: calc.port });

    await calc.stop('SIGTERM');
    // The TTL is 30 s: anything but an explicit deregistration would leave it listed.
    expect(await findCalc(registry.url, calc)).toBeUndefined();
    expect(calc.output()).toContain(`Deregistered ${instance.id}`);
  });

  it('survives a registry restart with the same data dir', async () => {
    const port = await freePort();
    const dataDir = tmpDir();
    const registryUrl = `http://127.0.0.1:${port}`;
    let registry = await startRegistry(port, dataDir);
    const calc = await startCalc(registryUrl);
    const before = await waitFor(() => findCalc(registryUrl, calc), { message: 'calc registered' });

    await registry.stop('SIGTERM');
    registry = await startRegistry(port, dataDir);
    const after = await waitFor(() => findCalc(registryUrl, calc), { message: 'calc listed after restart' });
    expect(after.id).toBe(before.id);
    // And it stays: renewals keep working against the restarted registry.
    await waitFor(async () => (await fetch(`${calc.url}/health`)).status === 200, { message: 'calc healthy' });
    await calc.stop();
    await registry.stop();
  });

  it('registers again, under the same id, with a registry that lost its state', async () => {
    const port = await freePort();
    const registryUrl = `http://127.0.0.1:${port}`;
    let registry = await startRegistry(port, tmpDir());
    const calc = await startCalc(registryUrl);
    const before = await waitFor(() => findCalc(registryUrl, calc), { message: 'calc registered' });

    await registry.kill();
    registry = await startRegistry(port, tmpDir()); // empty data dir: nothing restored
    const startedAt = Date.now();
    const after = await waitFor(() => findCalc(registryUrl, calc), {
      timeoutMs: 3000,
      message: 'calc registered again',
    });
    expect(after.id).toBe(before.id);
    // Heartbeat 200 ms (backoff capped at the interval): a few heartbeats, not a TTL.
    expect(Date.now() - startedAt).toBeLessThan(3000);
    await waitFor(() => calc.output().includes('registered again'), { message: 'a "registered again" log line' });
    await calc.stop();
    await registry.stop();
  });

  it('starts and serves while the registry is down, and registers once it appears', async () => {
    const port = await freePort();
    const registryUrl = `http://127.0.0.1:${port}`;
    const calc = await startCalc(registryUrl);

    const sum = (await (await fetch(`${calc.url}/add/2/3`)).json()) as { result: number };
    expect(sum).toEqual({ result: 5 });
    const health = await fetch(`${calc.url}/health`);
    expect(health.status).toBe(503);

    const registry = await startRegistry(port, tmpDir());
    await waitFor(() => findCalc(registryUrl, calc), { message: 'calc registered once the registry is up' });
    await waitFor(async () => (await fetch(`${calc.url}/health`)).status === 200, { message: 'calc healthy' });
    // State changes are logged once, not per failed heartbeat.
    expect(calc.output().match(/Registry unreachable/g)).toHaveLength(1);
    await calc.stop();
    await registry.stop();
  });
});
