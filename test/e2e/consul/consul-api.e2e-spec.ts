import { DiscoveryModule, ServiceClient } from '@nest-discovery/discovery';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Consul from 'consul';
import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';
import { HealthServer, startHealthServer } from './health-server';

const TOKEN = 'consul-e2e-token';
const WAIT = { timeoutMs: 15_000, intervalMs: 50 };

interface Entry {
  Node: { Node: string; Address: string; Datacenter: string };
  Service: { ID: string; Service: string; Address: string; Port: number; Tags: string[]; Meta: Record<string, string> };
  Checks: { CheckID: string; Status: string; Type: string; ServiceID: string }[];
}

function startRegistry(dataDir: string): Promise<RunningApp> {
  return startApp('registry', {
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_TOKEN: TOKEN,
    REGISTRY_DATA_DIR: dataDir,
    REGISTRY_SWEEP_INTERVAL_MS: '100',
  });
}

/** The ids `health.service` lists for `service` (only passing ones with `passing`). */
async function ids(consul: Consul, service: string, passing: boolean): Promise<string[]> {
  const entries = (await consul.health.service({ service, passing })) as Entry[];
  return entries.map((entry) => entry.Service.ID).sort();
}

/** The status code a rejected consul call carries. */
async function failure(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    const { response, message } = error as { response?: { statusCode: number }; message: string };
    return { status: response?.statusCode ?? 0, message };
  }
  throw new Error('the call succeeded');
}

describe('Consul HTTP API, through the consul npm client', () => {
  jest.setTimeout(60_000);

  let registry: RunningApp;
  let consul: Consul;
  let web1: HealthServer;
  let web2: HealthServer;

  beforeAll(async () => {
    registry = await startRegistry(tmpDir('consul-e2e-'));
    consul = new Consul({ host: '127.0.0.1', port: registry.port, defaults: { token: TOKEN } });
    [web1, web2] = await Promise.all([startHealthServer('127.0.0.2'), startHealthServer('127.0.0.3')]);
  });

  afterAll(async () => {
    consul?.destroy();
    await Promise.all([web1?.close(), web2?.close()]);
    await stopAll();
  });

  const register = (server: HealthServer, id: string, extra: Record<string, unknown> = {}): Promise<unknown> =>
    consul.agent.service.register({
      name: 'web',
      id,
      address: server.host,
      port: server.port,
      tags: ['v1'],
      meta: { version: '1' },
      check: { http: `http://${server.host}:${server.port}/health`, interval: '1s', timeout: '1s' },
      ...extra,
    } as never);

  it("registers with an HTTP check: health.service({ passing: true }) lists it in Consul's shape, the registry's own API as an ordinary instance", async () => {
    await register(web1, 'web-1');
    const entries = (await consul.health.service({ service: 'web', passing: true })) as Entry[];
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry.Node).toMatchObject({ Node: '127.0.0.2', Address: '127.0.0.2', Datacenter: 'dc1' });
    expect(entry.Service).toMatchObject({ ID: 'web-1', Service: 'web', Address: '127.0.0.2', Port: web1.port, Tags: ['v1'], Meta: { version: '1' } });
    expect(entry.Checks.map((check) => [check.CheckID, check.Status, check.Type])).toEqual([
      ['serfHealth', 'passing', ''],
      ['service:web-1', 'passing', 'http'],
    ]);
    expect(await consul.catalog.service.list()).toEqual({ web: ['v1'] });
    expect(((await consul.catalog.service.nodes('web')) as { ServiceID: string }[]).map((node) => node.ServiceID)).toEqual(['web-1']);

    const native = await http<{ id: string; host: string; port: number; check?: { type: string } }[]>(`${registry.url}/service/web`);
    expect(native.body).toEqual([expect.objectContaining({ id: 'web-1', host: '127.0.0.2', port: web1.port, check: expect.objectContaining({ type: 'http' }) })]);
  });

  it('a consul.watch on health.service wakes within 1 s of a new registration', async () => {
    const watch = consul.watch({ method: consul.health.service, options: { service: 'web', passing: 'true' } });
    const changes: { at: number; ids: string[] }[] = [];
    watch.on('change', (data: Entry[]) => changes.push({ at: Date.now(), ids: data.map((entry) => entry.Service.ID).sort() }));
    const errors: Error[] = [];
    watch.on('error', (error: Error) => errors.push(error));
    try {
      await waitFor(() => changes.length > 0, { ...WAIT, message: 'the first answer of the watch' });
      expect(changes[0].ids).toEqual(['web-1']);
      // The watch now holds a blocking query with the current index: the registration must wake it.
      const before = Date.now();
      await register(web2, 'web-2');
      const woke = await waitFor(() => changes.find((change) => change.ids.includes('web-2')), { ...WAIT, message: 'the watch to see web-2' });
      expect(woke.at - before).toBeLessThan(1000);
      expect(woke.ids).toEqual(['web-1', 'web-2']);
      expect(errors).toEqual([]);
    } finally {
      watch.end();
    }
  });

  it('a failing check drops the instance from ?passing and recovery brings it back', async () => {
    web2.healthy = false;
    await waitFor(async () => !(await ids(consul, 'web', true)).includes('web-2'), { ...WAIT, message: 'web-2 out of ?passing' });
    const all = (await consul.health.service('web')) as Entry[];
    const critical = all.find((entry) => entry.Service.ID === 'web-2');
    expect(critical?.Checks.find((check) => check.CheckID === 'service:web-2')?.Status).toBe('critical');
    expect((await http<{ id: string }[]>(`${registry.url}/service/web`)).body.map((instance) => instance.id)).toEqual(['web-1']);

    web2.healthy = true;
    await waitFor(async () => (await ids(consul, 'web', true)).includes('web-2'), { ...WAIT, message: 'web-2 back in ?passing' });
  });

  it('a TTL check kept alive by agent.check.pass stays passing, fails on agent.check.fail, then lapses', async () => {
    await consul.agent.service.register({ name: 'job', id: 'job-1', address: '127.0.0.4', port: 7000, check: { ttl: '2s' } } as never);
    await consul.agent.check.pass({ id: 'service:job-1', note: 'alive' } as never);
    // Kept alive across more than two TTLs by passes every 500 ms, as a client's TTL heartbeat does.
    const until = Date.now() + 4_500;
    while (Date.now() < until) {
      expect(await ids(consul, 'job', true)).toEqual(['job-1']);
      await consul.agent.check.pass('service:job-1');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const [entry] = (await consul.health.service('job')) as Entry[];
    expect(entry.Checks.find((check) => check.CheckID === 'service:job-1')).toMatchObject({ Status: 'passing', Type: 'ttl' });

    await consul.agent.check.fail({ id: 'service:job-1', note: 'broken' } as never);
    expect(await ids(consul, 'job', true)).toEqual([]);
    expect(await ids(consul, 'job', false)).toEqual(['job-1']);
    await consul.agent.check.pass('service:job-1');
    expect(await ids(consul, 'job', true)).toEqual(['job-1']);

    // No more passes: the TTL lapses and the instance leaves.
    const lapsedFrom = Date.now();
    await waitFor(async () => (await ids(consul, 'job', false)).length === 0, { ...WAIT, message: 'job-1 to lapse' });
    expect(Date.now() - lapsedFrom).toBeGreaterThanOrEqual(1_500);
    expect((await failure(consul.agent.check.pass('service:job-1'))).status).toBe(404);
  });

  it('deregisters', async () => {
    await consul.agent.service.deregister('web-2');
    expect(await ids(consul, 'web', false)).toEqual(['web-1']);
    expect((await http<{ id: string }[]>(`${registry.url}/service/web?status=all`)).body.map((instance) => instance.id)).toEqual(['web-1']);
    expect((await failure(consul.agent.service.deregister('web-2'))).status).toBe(404);
  });

  it('refuses writes without the token, and bad input with a 400 in plain text, changing nothing', async () => {
    const anonymous = new Consul({ host: '127.0.0.1', port: registry.port });
    try {
      const denied = await failure(anonymous.agent.service.register({ name: 'intruder', address: '127.0.0.5', port: 1 } as never));
      expect(denied.status).toBe(403);
      expect(denied.message).toMatch(/Permission denied/);
      expect((await failure(anonymous.agent.service.deregister('web-1'))).status).toBe(403);
      const wrong = await http(`${registry.url}/v1/agent/service/register?token=nope`, { method: 'PUT', body: { Name: 'intruder', Port: 1 } });
      expect(wrong.status).toBe(403);
      const viaQuery = await http(`${registry.url}/v1/agent/service/register?token=${TOKEN}`, {
        method: 'PUT',
        body: { Name: 'probe-elsewhere', Address: '127.0.0.5', Port: 80, Check: { HTTP: 'http://127.0.0.6:80/health', Interval: '1s' } },
      });
      expect(viaQuery.status).toBe(400);
      expect(viaQuery.headers['content-type']).toMatch(/^text\/plain/);
      expect(viaQuery.body).toMatch(/own address 127\.0\.0\.5:80/);
      const badName = await failure(consul.agent.service.register({ name: 'no spaces allowed', port: 1 } as never));
      expect(badName.status).toBe(400);
      expect(Object.keys(await consul.catalog.service.list())).toEqual(['web']);
    } finally {
      anonymous.destroy();
    }
  });

  it('a Nest app on the discovery library calls a service registered through the Consul API', async () => {
    const greeter = await startHealthServer('127.0.0.7');
    let app: INestApplicationContext | undefined;
    try {
      await consul.agent.service.register({
        name: 'greeter',
        address: greeter.host,
        port: greeter.port,
        check: { http: `http://${greeter.host}:${greeter.port}/health`, interval: '1s' },
      } as never);
      app = await NestFactory.createApplicationContext(DiscoveryModule.forRoot({ register: false, urls: [registry.url] }), { logger: false });
      await app.init();
      const client = app.get(ServiceClient);
      const answer = await waitFor(() => client.request<{ hello: string }>({ service: 'greeter', path: '/hello' }), {
        ...WAIT,
        message: 'the library to call greeter',
      });
      expect(answer).toEqual({ hello: '127.0.0.7' });
    } finally {
      await app?.close();
      await greeter.close();
    }
  });
});

describe('Consul index across a registry crash', () => {
  jest.setTimeout(45_000);
  afterAll(() => stopAll());

  it('never goes backwards: a registry killed right after a change starts past every index it gave', async () => {
    const dataDir = tmpDir('consul-index-e2e-');
    const first = await startRegistry(dataDir);
    const consul = new Consul({ host: '127.0.0.1', port: first.port, defaults: { token: TOKEN } });
    let given = 0;
    try {
      for (let i = 0; i < 5; i++) {
        await consul.agent.service.register({ name: 'crash', id: `crash-${i}`, address: '127.0.0.8', port: 1000 + i } as never);
      }
      const response = await http(`${first.url}/v1/catalog/services`);
      given = Number(response.headers['x-consul-index']);
      expect(given).toBeGreaterThan(0);
    } finally {
      consul.destroy();
    }
    await first.kill(); // SIGKILL: no last snapshot

    const second = await startRegistry(dataDir);
    const after = await http(`${second.url}/v1/catalog/services`);
    expect(Number(after.headers['x-consul-index'])).toBeGreaterThan(given);
    await second.stop();
  });
});
