import { createServer, Server } from 'node:net';
import { ClientRequest, get, IncomingMessage } from 'node:http';
import { SessionHub } from '../../../apps/registry/src/session/session.hub';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { bootRegistry, calc, http, InstanceJson, register, TestRegistry } from './registry.harness';

jest.setTimeout(20_000);

interface OpenSession {
  request: ClientRequest;
  response: IncomingMessage;
  firstLine: Promise<string>;
}

/** Opens `GET /session/:name/:id` and keeps the connection; `request.destroy()` drops it as a crash would. */
function openSession(url: string, name: string, id: string, token?: string): Promise<OpenSession> {
  return new Promise((resolve, reject) => {
    const request = get(`${url}/session/${name}/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    request.once('error', reject);
    request.once('response', (response) => {
      const firstLine = new Promise<string>((lineResolve) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const end = text.indexOf('\n');
          if (end >= 0) lineResolve(text.slice(0, end));
        });
        response.on('end', () => lineResolve(text)); // an error answer: one JSON body, no newline
      });
      response.on('error', () => undefined);
      resolve({ request, response, firstLine });
    });
  });
}

/** A TCP listener standing in for an instance's HTTP port. */
async function listener(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

const closeServer = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

async function lookup(url: string, id: string): Promise<InstanceJson | undefined> {
  const all = await http<InstanceJson[]>(`${url}/service/calc?status=all`);
  return all.body.find((instance) => instance.id === id);
}

describe('instance sessions: liveness bound to a connection', () => {
  let registry: TestRegistry;
  const servers: Server[] = [];
  const sessions: OpenSession[] = [];

  beforeEach(async () => {
    registry = await bootRegistry();
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.request.destroy();
    await Promise.all(servers.splice(0).map((server) => closeServer(server).catch(() => undefined)));
    await registry.close();
  });

  it('a session that drops while its instance no longer answers makes the instance critical at once, and a watcher hears it', async () => {
    const { server, port } = await listener();
    servers.push(server);
    const { body } = await register(registry.url, calc({ id: 'calc-a', port }));
    const session = await openSession(registry.url, 'calc', 'calc-a');
    sessions.push(session);
    expect(session.response.statusCode).toBe(200);
    expect(session.response.headers['content-type']).toContain('application/x-ndjson');
    expect(JSON.parse(await session.firstLine)).toEqual({ session: 'calc-a', revision: body.revision });

    // A watcher parked on the current revision is woken by the crash.
    const watched = http<{ revision: number; services: Record<string, InstanceJson[]> }>(
      `${registry.url}/watch?revision=${body.revision}&timeoutSeconds=10`,
    );
    await closeServer(server); // the process is gone: its port refuses
    const droppedAt = Date.now();
    session.request.destroy();

    const critical = await waitFor(
      async () => {
        const instance = await lookup(registry.url, 'calc-a');
        return instance?.status === 'critical' ? instance : undefined;
      },
      { message: 'the instance to turn critical' },
    );
    expect(Date.now() - droppedAt).toBeLessThan(1000);
    expect(critical.checkOutput).toMatch(/^session lost; .*ECONNREFUSED/);
    expect((await http<InstanceJson[]>(`${registry.url}/service/calc`)).body).toEqual([]);
    const woken = await watched;
    expect(woken.body.services.calc ?? []).toEqual([]);
  });

  it('a session that drops while its instance still answers changes nothing', async () => {
    const { server, port } = await listener();
    servers.push(server);
    const { body } = await register(registry.url, calc({ id: 'calc-b', port }));
    const session = await openSession(registry.url, 'calc', 'calc-b');
    await session.firstLine;
    session.request.destroy();
    const hub = registry.app.get(SessionHub);
    await waitFor(() => hub.settled.length > 0, { message: 'the probe to settle' });
    await Promise.all(hub.settled);
    expect(await lookup(registry.url, 'calc-b')).toMatchObject({ status: 'passing' });
    expect((await http<{ revision: number }>(`${registry.url}/services`)).body.revision).toBe(body.revision);
  });

  it('a graceful stop (deregister, then drop the session) probes nothing; an unknown instance gets a 404', async () => {
    await register(registry.url, calc({ id: 'calc-c', port: 1 }));
    const session = await openSession(registry.url, 'calc', 'calc-c');
    await session.firstLine;
    expect((await http(`${registry.url}/service/calc/calc-c`, { method: 'DELETE' })).status).toBe(204);
    session.request.destroy();
    const hub = registry.app.get(SessionHub);
    await waitFor(() => hub.size === 0, { message: 'the session to close' });
    await Promise.all(hub.settled);
    expect(await lookup(registry.url, 'calc-c')).toBeUndefined();

    const unknown = await openSession(registry.url, 'calc', 'nope');
    sessions.push(unknown);
    expect(unknown.response.statusCode).toBe(404);
    expect(JSON.parse(await unknown.firstLine)).toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });

  it('the registry closing its own sessions marks nobody critical', async () => {
    const dataDir = registry.dataDir;
    // Nothing listens on port 1: any probe would fail, so a probe at shutdown would show.
    await register(registry.url, calc({ id: 'calc-d', port: 1 }));
    const session = await openSession(registry.url, 'calc', 'calc-d');
    await session.firstLine;
    const ended = new Promise<void>((resolve) => session.response.once('close', () => resolve()));
    const hub = registry.app.get(SessionHub);
    await registry.close();
    await ended;
    expect(hub.settled).toHaveLength(0);
    registry = await bootRegistry({ dataDir });
    expect(await lookup(registry.url, 'calc-d')).toMatchObject({ status: 'passing' });
  });
});

describeStores(
  'instance sessions across replicas',
  (store) => {
    let a: TestRegistry;
    let b: TestRegistry;

    beforeEach(async () => {
      const storePrefix = uniquePrefix();
      [a, b] = await Promise.all([
        bootRegistry({ store: store.location, storePrefix }),
        bootRegistry({ store: store.location, storePrefix }),
      ]);
    });

    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    it('the replica holding the session marks a crashed instance critical; the other replica learns it through the store', async () => {
      const { server, port } = await listener();
      await register(a.url, calc({ id: 'calc-r', port }));
      await waitFor(async () => (await lookup(b.url, 'calc-r')) !== undefined, { message: 'B to list the instance' });
      const session = await openSession(b.url, 'calc', 'calc-r');
      await session.firstLine;
      await closeServer(server);
      session.request.destroy();
      await waitFor(async () => (await lookup(a.url, 'calc-r'))?.status === 'critical', { message: 'replica A to see it critical' });
      expect((await http<InstanceJson[]>(`${a.url}/service/calc`)).body).toEqual([]);
    });
  },
  ['redis', 'etcd'],
);
