import { DiscoveryModule, InstanceCache, ServiceClient, ServiceInstance } from '@nest-discovery/discovery';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Agent, request } from 'undici';
import { bootRegistry, patchInstance, TestRegistry } from '../registry/registry.harness';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { waitFor } from '../helpers/wait-for';
import { CallStream, callStream } from '../helpers/call-stream';

/**
 * Issue 8, the library's side: an operator's drain and weight reach every client through the watch,
 * and a calc stopped with SIGTERM drains itself before it leaves, so a steady stream of calls loses none.
 * A real registry (in process, token-guarded), three real calc processes, a ServiceClient in this process.
 */

const TOKEN = 'drain-e2e-token';

interface Info {
  instanceId: string;
  port: number;
}

function startCalc(registryUrl: string): Promise<RunningApp> {
  const env = {
    REGISTRY_URL: registryUrl,
    REGISTRY_TOKEN: TOKEN,
    DISCOVERY_HEARTBEAT_MS: '200',
    DISCOVERY_TTL_SECONDS: '30',
    NO_COLOR: '1',
  };
  // Three processes start at once on a shared 2-core machine: give them more than the usual 15 s.
  return startApp('calc', env, 30_000);
}

/** How many of `total` sequential calls to GET /info each instance answered, by instance id. */
async function split(client: ServiceClient, total: number, strategy?: 'weighted'): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < total; i++) {
    const { instanceId } = await client.request<Info>({ service: 'calc', path: '/info', strategy });
    counts.set(instanceId, (counts.get(instanceId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Calls GET /add/1/2 at `concurrency` until stopped, recording every failure and wrong answer. Without
 * retries: a retry on another instance would hide a call that reached a closing process (without the
 * drain, a SIGTERM here fails a few calls with ECONNRESET).
 */
function addStream(client: ServiceClient, concurrency: number): CallStream {
  return callStream(async () => {
    const answer = await client.request<{ result: number }>({ service: 'calc', path: '/add/1/2', retries: 0 });
    if (answer.result !== 3) throw new Error(`wrong answer ${JSON.stringify(answer)}`);
  }, concurrency);
}

type Seen = 'enabled' | 'drained' | 'gone';

/** Follows one instance through the registry's long poll (`status=all`: drained ones stay listed), recording each state. */
function follow(registryUrl: string, id: string): { states: Seen[]; stop: () => Promise<void> } {
  const states: Seen[] = [];
  const abort = new AbortController();
  // Its own connections, destroyed on stop: a parked long poll would otherwise hold the registry's close.
  const agent = new Agent();
  const loop = (async () => {
    let revision: number | undefined;
    while (!abort.signal.aborted) {
      const since = revision === undefined ? '' : `&revision=${revision}`;
      try {
        const response = await request(`${registryUrl}/watch?status=all&timeoutSeconds=5${since}`, {
          signal: abort.signal,
          dispatcher: agent,
        });
        const body = (await response.body.json()) as { revision: number; services: Record<string, ServiceInstance[]> };
        revision = body.revision;
        const instance = (body.services.calc ?? []).find((i) => i.id === id);
        const state: Seen = !instance ? 'gone' : instance.enabled === false ? 'drained' : 'enabled';
        if (states[states.length - 1] !== state) states.push(state);
      } catch {
        return;
      }
    }
  })();
  return {
    states,
    stop: async () => {
      abort.abort();
      await loop;
      await agent.destroy();
    },
  };
}

describe('drain, weights and graceful stop (real processes)', () => {
  jest.setTimeout(60_000);

  let registry: TestRegistry;
  let calcs: RunningApp[];
  let ids: string[];
  let app: INestApplicationContext;
  let client: ServiceClient;
  let cache: InstanceCache;

  /** The calc instances (one per process) the client's cache holds now. */
  const cached = (): Promise<readonly ServiceInstance[]> => cache.instances('calc');

  const patch = async (id: string, body: Record<string, unknown>): Promise<void> => {
    const response = await patchInstance(registry.url, 'calc', id, body, { token: TOKEN });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    registry = await bootRegistry({ token: TOKEN });
    calcs = await Promise.all([startCalc(registry.url), startCalc(registry.url), startCalc(registry.url)]);
    ids = await Promise.all(
      calcs.map((calc) =>
        waitFor(async () => ((await (await request(`${calc.url}/info`)).body.json()) as Info).instanceId, {
          message: `calc on ${calc.port} to register`,
        }),
      ),
    );
    app = await NestFactory.createApplicationContext(DiscoveryModule.forRoot({ register: false, urls: [registry.url] }), {
      logger: false,
    });
    await app.init();
    client = app.get(ServiceClient);
    cache = app.get(InstanceCache);
    await waitFor(async () => (await cached()).length === 3, { timeoutMs: 10_000, message: 'the client to see three calcs' });
  });

  afterAll(async () => {
    await app?.close();
    await stopAll();
    await registry?.close();
  });

  it('sends a drained instance no calls, and calls again once it is enabled', async () => {
    const [drained] = ids;
    await patch(drained, { enabled: false });
    await waitFor(async () => !(await cached()).some((i) => i.id === drained), { message: 'the drain to reach the client' });
    const during = await split(client, 60);
    expect(during.get(drained)).toBeUndefined();
    expect([...during.values()].reduce((a, b) => a + b, 0)).toBe(60);
    expect(during.size).toBe(2);

    await patch(drained, { enabled: true });
    await waitFor(async () => (await cached()).some((i) => i.id === drained), { message: 'the instance to come back' });
    const after = await split(client, 60);
    // Round robin over three: exactly a third each.
    expect(after.get(drained)).toBe(20);
  });

  it('splits traffic by the weights an operator set', async () => {
    const [light, heavy, off] = ids;
    await patch(light, { weight: 1 });
    await patch(heavy, { weight: 4 });
    await patch(off, { enabled: false });
    await waitFor(
      async () => {
        const list = await cached();
        return list.length === 2 && list.find((i) => i.id === heavy)?.weight === 4;
      },
      { message: 'the weights to reach the client' },
    );
    const counts = await split(client, 200, 'weighted');
    const lightShare = (counts.get(light) ?? 0) / 200;
    // 1:4 is a fifth; smooth weighted round robin is exact per cycle, the tolerance covers a retry.
    expect(lightShare).toBeGreaterThanOrEqual(0.15);
    expect(lightShare).toBeLessThanOrEqual(0.25);
    expect((counts.get(light) ?? 0) + (counts.get(heavy) ?? 0)).toBe(200);

    await patch(heavy, { weight: null });
    await patch(off, { enabled: true });
    await waitFor(
      async () => {
        const list = await cached();
        return list.length === 3 && list.every((i) => i.weight === 1);
      },
      { message: 'the overrides to be lifted' },
    );
  });

  it('loses no call when an instance is stopped with SIGTERM under load: it drains, then leaves', async () => {
    const victim = calcs[0];
    const victimId = ids[0];
    const timeline = follow(registry.url, victimId);
    await waitFor(() => timeline.states.length > 0, { message: 'the watch to see the victim' });
    const stream = addStream(client, 8);
    await waitFor(() => stream.done >= 200, { timeoutMs: 10_000, message: '200 calls before the stop' });

    const stoppingAt = Date.now();
    await victim.stop('SIGTERM');
    const stopMs = Date.now() - stoppingAt;
    const afterStop = stream.done;
    await waitFor(() => stream.done >= afterStop + 200, { timeoutMs: 10_000, message: '200 calls after the stop' });
    await stream.stop();
    await waitFor(() => timeline.states.includes('gone'), { message: 'the registry to drop the victim' });
    await timeline.stop();

    expect(stream.failures).toEqual([]);
    expect(timeline.states).toEqual(['enabled', 'drained', 'gone']);
    // The registry saw it drained before it left (above); its own log says so too.
    const output = victim.output();
    expect(output).toContain(`Draining ${victimId}`);
    expect(output.indexOf(`Draining ${victimId}`)).toBeLessThan(output.search(/Drained in \d+ ms: no request in flight/));
    // Grace (300 ms) plus the in-flight wait and the deregistration: well under the drain bound.
    expect(stopMs).toBeLessThan(5000);
    expect((await cached()).map((i) => i.id)).not.toContain(victimId);
  });
});
