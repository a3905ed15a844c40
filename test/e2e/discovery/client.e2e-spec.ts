import { DiscoveryModule, ServiceClient } from '@nest-discovery/discovery';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { CallStream, callStream } from '../helpers/call-stream';

interface Info {
  instanceId: string;
  port: number;
}

function startRegistry(port: number, dataDir: string): Promise<RunningApp> {
  return startApp('registry', {
    REGISTRY_PORT: String(port),
    REGISTRY_DATA_DIR: dataDir,
    REGISTRY_SWEEP_INTERVAL_MS: '100',
    REGISTRY_SNAPSHOT_DELAY_MS: '0',
    NO_COLOR: '1',
  });
}

function startCalc(registryUrl: string): Promise<RunningApp> {
  return startApp('calc', {
    REGISTRY_URL: registryUrl,
    ADVERTISE_HOST: '127.0.0.1',
    DISCOVERY_HEARTBEAT_MS: '200',
    DISCOVERY_TTL_SECONDS: '30',
    NO_COLOR: '1',
  });
}

/** HTTP ports of the listed calc instances: one entry per process, its gRPC server a named endpoint of it. */
async function listedPorts(registryUrl: string): Promise<number[]> {
  const response = await fetch(`${registryUrl}/service/calc`);
  const listed = (await response.json()) as Array<{ port: number; protocol: string }>;
  return listed.map((i) => i.port);
}

/** Calls `GET /add/1/2` of calc through `client` at `concurrency` until stopped (or `total` calls were made). */
function addStream(client: ServiceClient, concurrency: number, total = Infinity): CallStream {
  return callStream(async () => {
    const answer = await client.request<{ result: number }>({ service: 'calc', path: '/add/1/2' });
    if (answer.result !== 3) throw new Error(`wrong answer ${JSON.stringify(answer)}`);
  }, concurrency, total);
}

describe('ServiceClient against real processes', () => {
  jest.setTimeout(45_000);

  let registry: RunningApp;
  let dataDir: string;
  let calcs: RunningApp[];
  let app: INestApplicationContext;
  let client: ServiceClient;

  beforeAll(async () => {
    dataDir = tmpDir('client-e2e-');
    registry = await startRegistry(0, dataDir);
    calcs = await Promise.all([startCalc(registry.url), startCalc(registry.url), startCalc(registry.url)]);
    await waitFor(async () => (await listedPorts(registry.url)).length === 3, {
      timeoutMs: 10_000,
      message: 'three calc instances registered',
    });
    app = await NestFactory.createApplicationContext(
      DiscoveryModule.forRoot({ register: false, urls: [registry.url] }),
      { logger: new Logger() },
    );
    app.enableShutdownHooks();
    await app.init();
    client = app.get(ServiceClient);
    // The client sees all three once it has been answered by three distinct instances.
    const seen = new Set<string>();
    await waitFor(
      async () => {
        seen.add((await client.request<Info>({ service: 'calc', path: '/info' })).instanceId);
        return seen.size === 3;
      },
      { timeoutMs: 10_000, message: 'client to reach all three calc instances' },
    );
  });

  afterAll(async () => {
    await app?.close();
    await stopAll();
  });

  it('loses no call when one instance is SIGKILLed under load', async () => {
    const stream = addStream(client, 8, 400);
    await waitFor(() => stream.done >= 100, { timeoutMs: 10_000, message: '100 calls done' });
    const victim = calcs.shift()!;
    await victim.kill();
    await stream.finished;
    expect(stream.failures).toEqual([]);
    expect(stream.done).toBe(400);
    // Long before its TTL: its session dropped, the registry's probe found nothing, it is out.
    await waitFor(async () => !(await listedPorts(registry.url)).includes(victim.port), {
      timeoutMs: 1000,
      message: 'the killed calc to leave the listing',
    });
  });

  it('sends traffic to a newly started instance within 1 s of its registration', async () => {
    const before = new Set(await listedPorts(registry.url));
    const fresh = await startCalc(registry.url);
    calcs.push(fresh);
    await waitFor(async () => (await listedPorts(registry.url)).includes(fresh.port) && !before.has(fresh.port), {
      timeoutMs: 10_000,
      intervalMs: 10,
      message: 'new calc registered',
    });
    const registeredAt = Date.now();
    await waitFor(async () => (await client.request<Info>({ service: 'calc', path: '/info' })).port === fresh.port, {
      timeoutMs: 5_000,
      intervalMs: 5,
      message: 'new calc to receive a call',
    });
    expect(Date.now() - registeredAt).toBeLessThan(1000);
  });

  it('loses no call while the registry restarts', async () => {
    const stream = addStream(client, 8);
    await waitFor(() => stream.done >= 50, { message: '50 calls before the restart' });
    const port = registry.port;
    await registry.stop('SIGTERM');
    const duringOutage = stream.done;
    await waitFor(() => stream.done >= duringOutage + 100, { message: '100 calls while the registry is down' });
    registry = await startRegistry(port, dataDir);
    // The calcs re-register through their heartbeats; the restored snapshot lists them again.
    await waitFor(async () => (await listedPorts(registry.url)).length >= calcs.length, {
      timeoutMs: 10_000,
      message: 'calcs listed by the restarted registry',
    });
    const afterRestart = stream.done;
    await waitFor(() => stream.done >= afterRestart + 100, { message: '100 calls after the restart' });
    await stream.stop();
    expect(stream.failures).toEqual([]);

    // The client follows the restarted registry: a new instance gets traffic.
    const fresh = await startCalc(registry.url);
    calcs.push(fresh);
    await waitFor(async () => (await client.request<Info>({ service: 'calc', path: '/info' })).port === fresh.port, {
      timeoutMs: 5_000,
      intervalMs: 5,
      message: 'a calc started after the restart to receive a call',
    });
  });
});
