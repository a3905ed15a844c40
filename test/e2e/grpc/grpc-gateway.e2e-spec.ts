import { status } from '@grpc/grpc-js';
import { startGrpcServer, TestGrpcServer } from '../../../libs/discovery/src/grpc/test-support/grpc-fixtures';
import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

interface ErrorBody {
  statusCode: number;
  message: string;
  code: string;
  grpcStatus?: string;
}

const FAST_DISCOVERY = { DISCOVERY_HEARTBEAT_MS: '300', DISCOVERY_TTL_SECONDS: '3' };

/** The listed calcs that have a `grpc` endpoint (every calc: one instance per process). */
async function grpcEndpoints(registry: RunningApp): Promise<unknown[]> {
  const listed = (await http<Array<{ endpoints?: { grpc?: unknown } }>>(`${registry.url}/service/calc`)).body;
  return listed.filter((i) => i.endpoints?.grpc !== undefined);
}

describe('GET /grpc/calc/:op/:a/:b: gateway → calc over gRPC (real processes)', () => {
  let registry: RunningApp;
  let calcs: RunningApp[];
  let gateway: RunningApp;

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    const env = { REGISTRY_URL: registry.url, ...FAST_DISCOVERY };
    calcs = await Promise.all([startApp('calc', env), startApp('calc', env)]);
    gateway = await startApp('gateway', env);
    await waitFor(async () => (await grpcEndpoints(registry)).length === 2, { message: 'two calc gRPC endpoints' });
  }, 60_000);

  afterAll(() => stopAll());

  it('answers the four operations', async () => {
    expect(await http(`${gateway.url}/grpc/calc/add/1/2`)).toMatchObject({ status: 200, body: { result: 3 } });
    expect((await http(`${gateway.url}/grpc/calc/sub/1/2`)).body).toEqual({ result: -1 });
    expect((await http(`${gateway.url}/grpc/calc/mul/0.1/3`)).body).toEqual({ result: 0.1 * 3 });
    expect((await http(`${gateway.url}/grpc/calc/div/-3/1.5e0`)).body).toEqual({ result: -2 });
  });

  it('maps INVALID_ARGUMENT to 400 with calc’s message, and checks op and operands itself', async () => {
    const zero = await http<ErrorBody>(`${gateway.url}/grpc/calc/div/1/0`);
    expect(zero.status).toBe(400);
    expect(zero.body).toMatchObject({ message: 'b must not be zero: division by zero', grpcStatus: 'INVALID_ARGUMENT' });
    const operand = await http<ErrorBody>(`${gateway.url}/grpc/calc/add/one/2`);
    expect(operand.status).toBe(400);
    expect(operand.body.message).toMatch(/^a must be a finite number/);
    const op = await http<ErrorBody>(`${gateway.url}/grpc/calc/pow/1/2`);
    expect(op.status).toBe(400);
    expect(op.body.message).toMatch(/^op must be one of add, sub, mul, div/);
  });

  it('loses no call when one calc is SIGKILLed under load', async () => {
    const failures: string[] = [];
    let started = 0;
    const worker = async (): Promise<void> => {
      while (started < 400) {
        const i = ++started;
        if (i === 100) void calcs[0].kill();
        const response = await http<{ result: number }>(`${gateway.url}/grpc/calc/add/${i}/1`).catch((e: Error) => ({
          status: 0,
          body: { result: NaN, error: e.message },
        }));
        if (response.status !== 200 || response.body.result !== i + 1) failures.push(`${response.status} ${JSON.stringify(response.body)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures).toEqual([]);
  }, 30_000);

  it('answers 503 once no instance speaks gRPC', async () => {
    await Promise.all(calcs.map((calc) => calc.stop('SIGTERM')));
    await waitFor(async () => (await grpcEndpoints(registry)).length === 0, { message: 'calc gone' });
    const response = await waitFor(
      async () => {
        const r = await http<ErrorBody>(`${gateway.url}/grpc/calc/add/1/2`);
        return r.status === 503 ? r : undefined;
      },
      { message: 'gateway to answer 503' },
    );
    expect(response.body).toMatchObject({ statusCode: 503, code: 'NO_AVAILABLE_INSTANCE' });
  });
});

describe('gateway status mapping against a scripted gRPC calc', () => {
  let registry: RunningApp;
  let gateway: RunningApp;
  let scripted: TestGrpcServer;
  const DEADLINE_MS = 300;

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir() });
    scripted = await startGrpcServer('scripted');
    scripted.behave('Add', () => 'hang');
    scripted.behave('Sub', () => ({ code: status.NOT_FOUND, details: 'no such operand' }));
    scripted.behave('Div', () => ({ code: status.INTERNAL, details: 'boom' }));
    scripted.behave('Mul', () => ({ code: status.UNAVAILABLE, details: 'draining' }));
    // Registered as an older app would, gRPC as its primary protocol: the gateway still calls it.
    const registered = await http(`${registry.url}/register`, {
      method: 'POST',
      body: { name: 'calc', host: '127.0.0.1', port: scripted.port, protocol: 'grpc', ttlSeconds: 600 },
    });
    expect(registered.status).toBe(201);
    gateway = await startApp('gateway', { REGISTRY_URL: registry.url, DISCOVERY_GRPC_DEADLINE_MS: String(DEADLINE_MS) });
  }, 60_000);

  afterAll(async () => {
    await stopAll();
    await scripted?.close();
  });

  it('maps DEADLINE_EXCEEDED to 504 once the deadline passes', async () => {
    const started = Date.now();
    const response = await http<ErrorBody>(`${gateway.url}/grpc/calc/add/1/2`);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ statusCode: 504, grpcStatus: 'DEADLINE_EXCEEDED', code: 'REMOTE_GRPC_ERROR' });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1500);
  });

  it('maps NOT_FOUND to 404 with the upstream’s message', async () => {
    const response = await http<ErrorBody>(`${gateway.url}/grpc/calc/sub/1/2`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ message: 'no such operand', grpcStatus: 'NOT_FOUND' });
  });

  it('maps any other status to 502', async () => {
    const response = await http<ErrorBody>(`${gateway.url}/grpc/calc/div/1/2`);
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ grpcStatus: 'INTERNAL' });
  });

  // Last: its retries count against the only instance, which ends up ejected.
  it('maps UNAVAILABLE to 503 after retrying', async () => {
    const before = scripted.calls.filter((m) => m === 'Mul').length;
    const response = await http<ErrorBody>(`${gateway.url}/grpc/calc/mul/1/2`);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ grpcStatus: 'UNAVAILABLE', message: expect.stringContaining('draining') });
    expect(scripted.calls.filter((m) => m === 'Mul').length - before).toBe(3); // the first try and 2 retries
  });
});
