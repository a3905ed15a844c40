import { connectivityState, status } from '@grpc/grpc-js';
import { DiscoveryModule, GrpcServiceClient, grpcClientToken, RemoteGrpcError } from '@nest-discovery/discovery';
import { INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CalculatorDefinition } from '@proto/calc/Calculator';
import { join } from 'node:path';
import { GrpcChannelPool } from '../../../libs/discovery/src/grpc/channel-pool';
import { http } from '../helpers/http';
import { grpcPortOf, RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

const CALC_PROTO = join(__dirname, '..', '..', '..', 'proto', 'calc.proto');

interface Listed {
  id: string;
  port: number;
  protocol: string;
  endpoints?: Record<string, { port: number; protocol: string }>;
}

/**
 * The library's gRPC client, in this process, against real calc processes found through a real
 * registry: load balancing, metadata both ways, calc's INVALID_ARGUMENT, a SIGKILL under load, and
 * the channel of an instance that leaves.
 */
describe('GrpcServiceClient → calc processes, resolved by the registry', () => {
  jest.setTimeout(45_000);

  let registry: RunningApp;
  let calcs: RunningApp[];
  let app: INestApplicationContext;
  let calc: GrpcServiceClient<CalculatorDefinition>;

  /** Each listed calc at its `grpc` endpoint: its instance id and gRPC port. */
  const grpcEndpoints = async (): Promise<Array<{ id: string; port: number }>> =>
    (await http<Listed[]>(`${registry.url}/service/calc`)).body
      .filter((i) => i.endpoints?.grpc)
      .map((i) => ({ id: i.id, port: i.endpoints!.grpc.port }));
  const startCalc = (): Promise<RunningApp> => startApp('calc', { REGISTRY_URL: registry.url, DISCOVERY_HEARTBEAT_MS: '300' });

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    calcs = await Promise.all([startCalc(), startCalc()]);
    await waitFor(async () => (await grpcEndpoints()).length === 2, { message: 'two calc gRPC endpoints registered' });

    @Module({
      imports: [
        DiscoveryModule.forRoot({ register: false, urls: [registry.url] }),
        DiscoveryModule.forGrpcClients([{ service: 'calc', protoPath: CALC_PROTO, grpcService: 'calc.Calculator', idempotent: true }]),
      ],
    })
    class ClientModule {}
    app = await NestFactory.createApplicationContext(ClientModule, { logger: new Logger() });
    await app.init();
    calc = app.get(grpcClientToken('calc'));
  });

  afterAll(async () => {
    await app?.close();
    await stopAll();
  });

  it('registers each calc once, its gRPC port as the named endpoint `grpc` of its instance', async () => {
    const listed = (await http<Listed[]>(`${registry.url}/service/calc`)).body;
    expect(listed).toHaveLength(2);
    for (const running of calcs) {
      expect(listed).toContainEqual(
        expect.objectContaining({
          protocol: 'http',
          port: running.port,
          // Beside its fast lane (endpoint `tcp`, see test/e2e/tcp).
          endpoints: expect.objectContaining({ grpc: expect.objectContaining({ protocol: 'grpc', port: grpcPortOf(running) }) }),
        }),
      );
    }
  });

  it('answers the four operations, balanced over both instances', async () => {
    expect(await calc.call('Add', { a: 1, b: 2 })).toEqual({ result: 3 });
    expect(await calc.call('Sub', { a: 1, b: 2 })).toEqual({ result: -1 });
    expect(await calc.call('Mul', { a: 0.1, b: 3 })).toEqual({ result: 0.1 * 3 });
    expect(await calc.call('Div', { a: -3, b: 1.5 })).toEqual({ result: -2 });
    const served = new Set<string>();
    for (let i = 0; i < 10; i++) served.add((await calc.callWithMetadata('Add', { a: i, b: i })).instance.id);
    expect(served).toEqual(new Set((await grpcEndpoints()).map((i) => i.id)));
  });

  it('round-trips metadata: x-request-id in, calc’s server interceptor answers it in the trailers', async () => {
    const result = await calc.callWithMetadata('Add', { a: 2, b: 2 }, { metadata: { 'x-request-id': 'e2e-req-1' } });
    expect(result.response.result).toBe(4);
    expect(result.trailers.get('x-request-id')).toEqual(['e2e-req-1']);
    // calc names its instance id, the one its gRPC endpoint belongs to.
    expect(result.trailers.get('x-served-by')[0]).toBe(result.instance.id);
  });

  it('answers INVALID_ARGUMENT with calc’s message for a division by zero or a missing operand', async () => {
    const zero = await calc.call('Div', { a: 1, b: 0 }).catch((e: unknown) => e);
    expect(zero).toBeInstanceOf(RemoteGrpcError);
    expect(zero).toMatchObject({ status: status.INVALID_ARGUMENT, details: 'b must not be zero: division by zero', httpStatus: 400 });
    expect((zero as RemoteGrpcError).trailers.get('x-request-id')).toHaveLength(1);
    await expect(calc.call('Add', { a: 1 })).rejects.toMatchObject({ status: status.INVALID_ARGUMENT, details: 'b is required' });
  });

  it('loses no call when one of two instances is SIGKILLed under a stream of unary calls', async () => {
    const failures: string[] = [];
    let started = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (started < 600) {
        const i = ++started;
        try {
          const { result } = await calc.call('Add', { a: i, b: 1 });
          if (result !== i + 1) failures.push(`wrong answer ${result} for ${i} + 1`);
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
        done++;
      }
    };
    const stream = Promise.all(Array.from({ length: 8 }, worker));
    await waitFor(() => done >= 150, { message: '150 calls before the kill' });
    const victim = calcs.shift()!;
    await victim.kill();
    await stream;
    expect(failures).toEqual([]);
    expect(done).toBe(600);
    // Its session dropped and the registry's probe found nothing: gone long before its TTL.
    await waitFor(async () => !(await grpcEndpoints()).some((i) => i.port === grpcPortOf(victim)), {
      timeoutMs: 1000,
      message: 'the killed calc to leave the listing',
    });
  });

  it('closes the channel of an instance that leaves the registry', async () => {
    const leaving = await startCalc();
    const port = grpcPortOf(leaving);
    const answered = await waitFor(
      async () => {
        const result = await calc.callWithMetadata('Add', { a: 1, b: 1 });
        return result.instance.port === port ? result : undefined;
      },
      { message: 'the new calc to answer a gRPC call' },
    );
    const channels = app.get(GrpcChannelPool);
    const channel = channels.get(answered.instance);
    expect(channel.getConnectivityState(false)).toBe(connectivityState.READY);

    await leaving.stop('SIGTERM'); // deregisters its instance, gRPC endpoint and all
    await waitFor(() => !channels.has(answered.instance), { message: 'its channel to be closed' });
    expect(channel.getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
    // The others keep answering.
    expect(await calc.call('Mul', { a: 6, b: 7 })).toEqual({ result: 42 });
  });
});
