import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

interface Instance {
  id: string;
  port: number;
  protocol: string;
}

const FAST_DISCOVERY = { DISCOVERY_HEARTBEAT_MS: '300', DISCOVERY_TTL_SECONDS: '3' };

describe('gateway → calc through discovery (real processes)', () => {
  let registry: RunningApp;
  let calcs: RunningApp[];
  let gateway: RunningApp;
  let echo: Server;
  /** A second service of two instances: one breaks off its /cut answer, the other answers it whole. */
  let flaky: Server[];

  // One instance per calc, at its HTTP address (its gRPC server is a named endpoint of it).
  const calcInstances = async (): Promise<Instance[]> => (await http<Instance[]>(`${registry.url}/service/calc`)).body;

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    const env = { REGISTRY_URL: registry.url, ...FAST_DISCOVERY };
    calcs = await Promise.all([startApp('calc', env), startApp('calc', env)]);
    echo = await startEchoServer();
    flaky = await Promise.all([startEchoServer(), startEchoServer({ whole: true })]);
    gateway = await startApp('gateway', { ...env, GATEWAY_ROUTES: '/api/calc=calc,/api/echo=echo,/api/flaky=flaky' });
    await registerEcho(registry.url, echo);
    for (const server of flaky) await registerEcho(registry.url, server, 'flaky');
    await waitFor(async () => (await calcInstances()).length === 2, { message: 'two calc instances registered' });
  }, 60_000);

  afterAll(async () => {
    await stopAll();
    echo?.close();
    for (const server of flaky ?? []) server.close();
  });

  it('adds through the declarative client', async () => {
    const response = await http<{ result: number }>(`${gateway.url}/calc/add/1/2`);
    expect(response).toMatchObject({ status: 200, body: { result: 3 } });
    expect((await http(`${gateway.url}/calc/div/-3/1.5e0`)).body).toEqual({ result: -2 });
    expect((await http(`${gateway.url}/calc/mul/0.1/3`)).body).toEqual({ result: 0.1 * 3 });
  });

  it('returns calc 400s as 400 with calc’s message', async () => {
    const bad = await http<{ message: string }>(`${gateway.url}/calc/add/one/2`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^a must be a finite number/);
    const zero = await http<{ message: string }>(`${gateway.url}/calc/div/1/0`);
    expect(zero.status).toBe(400);
    expect(zero.body.message).toMatch(/division by zero/);
    const op = await http<{ message: string }>(`${gateway.url}/calc/pow/1/2`);
    expect(op.status).toBe(400);
    expect(op.body.message).toMatch(/^op must be one of/);
  });

  it('serves its OpenAPI document and Swagger UI at /docs, with the proxy routes it runs with', async () => {
    type Doc = { paths: Record<string, Record<string, { parameters?: { name: string; schema?: { enum?: string[] } }[] }>> };
    const { status, body } = await http<Doc>(`${gateway.url}/docs-json`);
    expect(status).toBe(200);
    expect(Object.keys(body.paths).sort()).toEqual(
      ['/api/calc/{path}', '/api/echo/{path}', '/api/flaky/{path}', '/calc/{op}/{a}/{b}', '/grpc/calc/{op}/{a}/{b}', '/tcp/calc/{op}/{a}/{b}', '/health', '/metrics'].sort(),
    );
    const op = body.paths['/calc/{op}/{a}/{b}'].get.parameters?.find((parameter) => parameter.name === 'op');
    expect(op?.schema?.enum).toEqual(['add', 'sub', 'mul', 'div']);
    expect(Object.keys(body.paths['/api/calc/{path}'])).toEqual(expect.arrayContaining(['get', 'post', 'delete']));
    const ui = await http(`${gateway.url}/docs`);
    expect(ui.status).toBe(200);
    // The docs are the gateway's own, not proxied anywhere.
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('spreads traffic over both calc instances', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const info = await http<{ instanceId: string }>(`${gateway.url}/api/calc/info`);
      expect(info.status).toBe(200);
      seen.add(info.body.instanceId);
    }
    expect(seen.size).toBe(2);
  });

  it('generates an X-Request-Id, or forwards the caller’s to the upstream and back', async () => {
    const generated = await http(`${gateway.url}/calc/add/1/1`);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await http<{ headers: Record<string, string> }>(`${gateway.url}/api/echo/anything`, {
      headers: { 'x-request-id': 'req-42' },
    });
    expect(given.headers['x-request-id']).toBe('req-42');
    expect(given.body.headers['x-request-id']).toBe('req-42');
  });

  it('proxies a POST body, query string, status and headers both ways', async () => {
    const payload = { text: 'x'.repeat(200_000) };
    const response = await http<{ method: string; url: string; body: string; headers: Record<string, string> }>(
      `${gateway.url}/api/echo/items?a=1&b=two`,
      { method: 'POST', body: payload, headers: { 'x-custom': 'yes' } },
    );
    expect(response.status).toBe(201);
    expect(response.headers['x-echo']).toBe('1');
    expect(response.body.method).toBe('POST');
    expect(response.body.url).toBe('/items?a=1&b=two');
    expect(JSON.parse(response.body.body)).toEqual(payload);
    expect(response.body.headers['x-custom']).toBe('yes');
    expect(response.body.headers['x-forwarded-for']).toBeDefined();
  });

  it('passes answers of a known length whole, short ones read at once and long ones streamed', async () => {
    for (const size of [1_000, 200_000]) {
      const response = await fetch(`${gateway.url}/api/echo/sized/${size}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(size));
      expect(response.headers.get('x-echo')).toBe('1');
      expect(await response.text()).toBe('a'.repeat(size));
    }
  });

  it('answers 502 naming the service when a short answer breaks off before it is complete (a failed attempt, not a cut answer)', async () => {
    const response = await http<{ statusCode: number; message: string }>(`${gateway.url}/api/echo/cut`);
    expect(response.status).toBe(502);
    // Read whole by the transport: the break is the attempt's failure (retried on another instance when there is one).
    expect(response.body.message).toMatch(/^Service "echo" at 127\.0\.0\.1:\d+ is unreachable: UND_ERR_SOCKET/);
  });

  it('retries a GET whose short answer breaks off on another instance: the caller gets the whole answer', async () => {
    // Round robin over the two: about half of these first reach the instance that breaks off.
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${gateway.url}/api/flaky/cut`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('0123456789'.repeat(10));
    }
  });

  it('answers 404 JSON for a prefix that is not in the route table', async () => {
    const response = await http<{ statusCode: number }>(`${gateway.url}/api/registry/services`);
    expect(response.status).toBe(404);
    expect(response.body.statusCode).toBe(404);
  });

  it('loses no GET when one calc is SIGKILLed under load', async () => {
    const failures: string[] = [];
    let done = 0;
    let killed = false;
    const worker = async (): Promise<void> => {
      while (done < 400) {
        const i = ++done;
        if (i === 100) {
          killed = true;
          void calcs[0].kill();
        }
        const response = await http<{ result: number }>(`${gateway.url}/calc/add/${i}/1`).catch((e: Error) => ({
          status: 0,
          body: { result: NaN, error: e.message },
        }));
        if (response.status !== 200 || response.body.result !== i + 1) failures.push(`${response.status} ${JSON.stringify(response.body)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    expect(failures).toEqual([]);
  }, 30_000);

  it('answers 503 JSON when every calc instance is gone', async () => {
    await Promise.all(calcs.map((calc) => calc.stop('SIGTERM')));
    await waitFor(async () => (await calcInstances()).length === 0, { message: 'calc deregistered' });
    const response = await waitFor(
      async () => {
        const r = await http<{ statusCode: number; code: string }>(`${gateway.url}/calc/add/1/2`);
        return r.status === 503 ? r : undefined;
      },
      { message: 'gateway to answer 503' },
    );
    expect(response.body).toMatchObject({ statusCode: 503, code: 'NO_AVAILABLE_INSTANCE' });
  });
});

function startEchoServer(options: { whole?: boolean } = {}): Promise<Server> {
  const server = createServer((req, res) => {
    // /sized/N: N bytes of a known length; /cut: promises 100 bytes, sends 10 and hangs up.
    const sized = /^\/sized\/(\d+)$/.exec(req.url ?? '');
    if (sized) {
      const body = Buffer.alloc(Number(sized[1]), 'a');
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length, 'x-echo': '1' }).end(body);
      return;
    }
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 100 });
      if (options.whole) res.end('0123456789'.repeat(10));
      else res.write('0123456789', () => res.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-echo': '1' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function registerEcho(registryUrl: string, server: Server, name = 'echo'): Promise<void> {
  const { port } = server.address() as AddressInfo;
  const response = await http(`${registryUrl}/register`, {
    method: 'POST',
    body: { name, host: '127.0.0.1', port, ttlSeconds: 600 },
  });
  expect(response.status).toBe(201);
}
