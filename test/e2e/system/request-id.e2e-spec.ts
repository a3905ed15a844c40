import { randomUUID } from 'node:crypto';
import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

/** One log line as the apps write it: a JSON object per line on stdout. */
interface LogLine {
  level: string;
  name: string;
  msg: string;
  reqId?: string;
  context?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  grpc?: { method: string; code: string };
}

/** Every line the process printed, parsed; a line that is not a JSON object fails the test. */
function logLines(app: RunningApp): LogLine[] {
  return app
    .output()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

const linesWith = (app: RunningApp, requestId: string) => logLines(app).filter((line) => line.reqId === requestId);

/** Waits until `app` has logged the end of request `requestId` (its "request completed" line). */
const completed = (app: RunningApp, requestId: string, what = 'request completed'): Promise<LogLine[]> =>
  waitFor(() => (linesWith(app, requestId).some((line) => line.msg === what) ? linesWith(app, requestId) : undefined), {
    message: `"${what}" with reqId ${requestId} in the log of ${app.url}`,
  });

describe('one request id across gateway and calc logs (real processes)', () => {
  let registry: RunningApp;
  let calc: RunningApp;
  let gateway: RunningApp;

  beforeAll(async () => {
    // The registry at the default level: it must stay quiet about successful requests.
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir() });
    const env = { REGISTRY_URL: registry.url, LOG_LEVEL: 'debug' };
    calc = await startApp('calc', env);
    gateway = await startApp('gateway', env);
    await waitFor(async () => (await http(`${gateway.url}/calc/add/1/2`)).status === 200, { message: 'the gateway to reach calc' });
    await waitFor(async () => (await http(`${gateway.url}/grpc/calc/add/1/2`)).status === 200, { message: 'the gateway to reach calc over gRPC' });
  }, 60_000);

  afterAll(() => stopAll());

  const unique = (label: string) => `${label}-${randomUUID()}`;

  it("carries the caller's X-Request-Id through the declarative client into calc's log lines", async () => {
    const requestId = unique('declarative');
    const response = await http<{ result: number }>(`${gateway.url}/calc/add/1/2`, { headers: { 'x-request-id': requestId } });
    expect(response).toMatchObject({ status: 200, body: { result: 3 } });
    expect(response.headers['x-request-id']).toBe(requestId);

    expect(await completed(gateway, requestId)).toEqual([
      expect.objectContaining({ level: 'debug', name: 'gateway', req: { method: 'GET', url: '/calc/add/1/2' }, res: { statusCode: 200 } }),
    ]);
    expect(await completed(calc, requestId)).toEqual([
      expect.objectContaining({ level: 'debug', name: 'calc', req: { method: 'GET', url: '/add/1/2' }, res: { statusCode: 200 } }),
    ]);
  });

  it('carries it through the generic proxy', async () => {
    const requestId = unique('proxy');
    const response = await http(`${gateway.url}/api/calc/mul/2/3`, { headers: { 'x-request-id': requestId } });
    expect(response).toMatchObject({ status: 200, body: { result: 6 } });
    expect((await completed(gateway, requestId))[0].req).toEqual({ method: 'GET', url: '/api/calc/mul/2/3' });
    expect((await completed(calc, requestId))[0].req).toEqual({ method: 'GET', url: '/mul/2/3' });
  });

  it("without a header, the gateway's generated id (returned to the caller) is the one calc logs", async () => {
    const response = await http(`${gateway.url}/calc/sub/5/2`);
    expect(response.status).toBe(200);
    const generated = response.headers['x-request-id'] as string;
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await completed(gateway, generated))[0].req?.url).toBe('/calc/sub/5/2');
    expect((await completed(calc, generated))[0].req?.url).toBe('/sub/5/2');
  });

  it("replaces an insane id with a generated one, used everywhere", async () => {
    const response = await http(`${gateway.url}/calc/add/1/1`, { headers: { 'x-request-id': 'not "sane" at all' } });
    const generated = response.headers['x-request-id'] as string;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await completed(calc, generated))[0].req?.url).toBe('/add/1/1');
  });

  it("carries it over gRPC: calc's gRPC side logs the id it got in the metadata", async () => {
    const requestId = unique('grpc');
    const response = await http(`${gateway.url}/grpc/calc/div/1/0`, { headers: { 'x-request-id': requestId } });
    expect(response.status).toBe(400);
    expect((await completed(gateway, requestId))[0]).toMatchObject({ level: 'info', res: { statusCode: 400 } });
    const calcLines = await completed(calc, requestId, 'gRPC call failed');
    expect(calcLines).toEqual([
      expect.objectContaining({ level: 'info', name: 'calc', grpc: { method: '/calc.Calculator/Div', code: 'INVALID_ARGUMENT' } }),
    ]);
  });

  it('writes nothing but JSON lines, and at the default level no line per successful request', async () => {
    // Every line of the three processes parses (logLines throws on one that does not).
    for (const app of [registry, calc, gateway]) expect(logLines(app).length).toBeGreaterThan(0);
    expect(logLines(registry).some((line) => line.msg === 'Registry listening on ' + registry.url)).toBe(true);
    // calc and the gateway registered and watched by now: no line for those successful requests.
    expect(logLines(registry).filter((line) => line.msg === 'request completed')).toEqual([]);

    // A failed request is: one line at info, with the caller's id.
    const requestId = unique('registry');
    const bad = await http(`${registry.url}/service/${'x'.repeat(70)}`, { headers: { 'x-request-id': requestId } });
    expect(bad.status).toBe(400);
    expect(await completed(registry, requestId)).toEqual([
      expect.objectContaining({ level: 'info', name: 'registry', res: { statusCode: 400 } }),
    ]);
  });
});
