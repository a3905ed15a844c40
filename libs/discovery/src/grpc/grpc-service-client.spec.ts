import { Metadata, status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { config, instance, StaticSource } from '../client/test-support/fixtures';
import { NoAvailableInstanceError } from '../errors/no-available-instance.error';
import { RemoteGrpcError } from '../errors/remote-grpc.error';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { GrpcChannelPool } from './channel-pool';
import { GrpcClientFactory } from './grpc-client.factory';
import { GrpcClientOptions } from './grpc-client-options.interface';
import { GrpcCallContext, GrpcClientInterceptor, GrpcNext } from './grpc-interceptor.interface';
import { GrpcServiceClient } from './grpc-service-client';
import {
  CALC_PROTO,
  CALC_SERVICE,
  CalculatorDefinition,
  grpcInstance,
  startGrpcServer,
  TestGrpcServer,
} from './test-support/grpc-fixtures';

Logger.overrideLogger(false);

interface Harness {
  client: GrpcServiceClient<CalculatorDefinition>;
  channels: GrpcChannelPool;
  ejection: OutlierEjection;
}

const CALC: GrpcClientOptions = { service: 'calc', protoPath: CALC_PROTO, grpcService: CALC_SERVICE, idempotent: true };

describe('GrpcServiceClient (real gRPC servers)', () => {
  const servers: TestGrpcServer[] = [];
  const pools: GrpcChannelPool[] = [];
  let source: StaticSource;

  async function server(name: string): Promise<TestGrpcServer> {
    const started = await startGrpcServer(name);
    servers.push(started);
    return started;
  }

  function harness(client: Partial<GrpcClientOptions> = {}, module: Partial<ResolvedDiscoveryOptions> = {}): Harness {
    const cfg = config(module);
    const ejection = new OutlierEjection(cfg.outlierEjection);
    const channels = new GrpcChannelPool();
    pools.push(channels);
    const factory = new GrpcClientFactory(cfg, source, ejection, channels);
    return { client: factory.create<CalculatorDefinition>({ ...CALC, ...client }), channels, ejection };
  }

  beforeEach(() => (source = new StaticSource()));
  afterEach(async () => {
    pools.splice(0).forEach((pool) => pool.close());
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('calls a unary method, typed by the generated definition', async () => {
    const a = await server('a');
    source.set('calc', [grpcInstance('a', a.port)]);
    const { client } = harness();
    const sum = await client.call('Add', { a: 1, b: 2 });
    expect(sum.result).toBe(3);
    expect((await client.call('Div', { a: 1, b: 4 })).result).toBe(0.25);
    expect(client.methods.sort()).toEqual(['Add', 'Div', 'Mul', 'Sub']);
  });

  it('sends request metadata and returns the headers and trailing metadata', async () => {
    const a = await server('a');
    source.set('calc', [grpcInstance('a', a.port)]);
    const { client } = harness();
    const result = await client.callWithMetadata('Mul', { a: 2, b: 3 }, { metadata: { 'x-request-id': 'req-7' } });
    expect(result.response.result).toBe(6);
    expect(result.headers.get('x-server')).toEqual(['a']);
    expect(result.trailers.get('x-request-id')).toEqual(['req-7']);
    expect(result.trailers.get('x-served-by')).toEqual(['a']);
    expect(result).toMatchObject({ instance: { id: 'a' }, attempts: 1 });
  });

  it('balances over the grpc instances only, one reused channel per instance', async () => {
    const [a, b] = await Promise.all([server('a'), server('b')]);
    source.set('calc', [instance('http-a', 1), grpcInstance('a', a.port), grpcInstance('b', b.port)]);
    const { client, channels } = harness();
    const served = new Set<string>();
    for (let i = 0; i < 20; i++) served.add((await client.callWithMetadata('Add', { a: i, b: 1 })).instance.id);
    expect(served).toEqual(new Set(['a', 'b']));
    expect(a.calls).toHaveLength(10);
    expect(b.calls).toHaveLength(10);
    expect(channels.size).toBe(2);
  });

  it("calls each instance at its named grpc endpoint, and not one whose grpc endpoint is critical", async () => {
    const [a, b] = await Promise.all([server('a'), server('b')]);
    const grpcAt = (port: number) => ({ grpc: { protocol: 'grpc' as const, port } });
    source.set('calc', [
      instance('calc-a', 1, { endpoints: grpcAt(a.port) }),
      instance('calc-b', 2, { endpoints: grpcAt(b.port), endpointHealth: { grpc: { status: 'critical' } } }),
    ]);
    const { client, channels } = harness();
    for (let i = 0; i < 4; i++) {
      const result = await client.callWithMetadata('Add', { a: i, b: 1 });
      expect(result.instance).toMatchObject({ id: 'calc-a', protocol: 'grpc', port: a.port });
    }
    expect(a.calls).toHaveLength(4);
    expect(b.calls).toHaveLength(0);
    expect(channels.size).toBe(1);
  });

  it('throws NoAvailableInstanceError when no instance speaks gRPC', async () => {
    source.set('calc', [instance('http-a', 1)]);
    const { client } = harness({ retries: 0 });
    await expect(client.call('Add', { a: 1, b: 2 })).rejects.toThrow(NoAvailableInstanceError);
    await expect(client.call('Add', { a: 1, b: 2 })).rejects.toThrow(/none of the 1 registered speaks grpc/);
  });

  it('answers INVALID_ARGUMENT as a 400 RemoteGrpcError: not retried, not held against the instance', async () => {
    const [a, b] = await Promise.all([server('a'), server('b')]);
    for (const s of [a, b]) s.behave('Div', () => ({ code: status.INVALID_ARGUMENT, details: 'b must not be zero' }));
    source.set('calc', [grpcInstance('a', a.port), grpcInstance('b', b.port)]);
    const { client, ejection } = harness({}, { outlierEjection: { consecutiveFailures: 1, cooldownMs: 60_000 } });
    const error = await client.call('Div', { a: 1, b: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteGrpcError);
    expect(error).toMatchObject({
      status: status.INVALID_ARGUMENT,
      statusName: 'INVALID_ARGUMENT',
      details: 'b must not be zero',
      httpStatus: 400,
      retryable: false,
      path: '/calc.Calculator/Div',
    });
    expect((error as RemoteGrpcError).trailers.get('x-served-by')).toHaveLength(1);
    expect(a.calls.length + b.calls.length).toBe(1);
    expect(ejection.allClosed).toBe(true);
  });

  it('retries UNAVAILABLE on another instance for idempotent methods only', async () => {
    const [a, b] = await Promise.all([server('a'), server('b')]);
    a.behave('Add', () => ({ code: status.UNAVAILABLE, details: 'draining' }));
    source.set('calc', [grpcInstance('a', a.port), grpcInstance('b', b.port)]);

    const idempotent = harness();
    for (let i = 0; i < 4; i++) expect((await idempotent.client.call('Add', { a: 1, b: 1 })).result).toBe(2);
    expect(a.calls.length).toBeGreaterThan(0);

    const unsafe = harness({ idempotent: ['Sub'] });
    const outcomes = await Promise.allSettled([0, 1, 2, 3].map(() => unsafe.client.call('Add', { a: 1, b: 1 })));
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].reason).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503 });
  });

  it('retries a call that never left (nothing listening) even for a non-idempotent method', async () => {
    const b = await server('b');
    const dead = await server('dead');
    await dead.close();
    source.set('calc', [grpcInstance('dead', dead.port), grpcInstance('b', b.port)]);
    const { client } = harness({ idempotent: [] });
    const attempts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await client.callWithMetadata('Add', { a: i, b: 0 });
      expect(result).toMatchObject({ response: { result: i }, instance: { id: 'b' } });
      attempts.push(result.attempts);
    }
    expect(attempts).toContain(2);
  });

  it('ejects an instance after consecutive failures and routes around it', async () => {
    const [a, b] = await Promise.all([server('a'), server('b')]);
    a.behave('Add', () => ({ code: status.INTERNAL, details: 'boom' }));
    source.set('calc', [grpcInstance('a', a.port), grpcInstance('b', b.port)]);
    const { client, ejection } = harness({ retries: 0 }, { outlierEjection: { consecutiveFailures: 2, cooldownMs: 60_000 } });
    await Promise.allSettled(Array.from({ length: 6 }, () => client.call('Add', { a: 1, b: 1 })));
    expect(ejection.state('a')).toBe('open');
    const before = a.calls.length;
    for (let i = 0; i < 5; i++) await client.call('Add', { a: 1, b: 1 });
    expect(a.calls.length).toBe(before);
  });

  it('fails with DEADLINE_EXCEEDED (504) once the deadline passes, counted against the instance', async () => {
    const a = await server('a');
    a.behave('Add', () => 'hang');
    source.set('calc', [grpcInstance('a', a.port)]);
    const { client, ejection } = harness({ deadlineMs: 5000 }, { outlierEjection: { consecutiveFailures: 1, cooldownMs: 60_000 } });
    const started = Date.now();
    const error = await client.call('Add', { a: 1, b: 1 }, { deadlineMs: 150 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ status: status.DEADLINE_EXCEEDED, httpStatus: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
    expect(a.calls).toHaveLength(1);
    expect(ejection.state('a')).toBe('open');
  });

  it('cancels on the caller’s signal without holding it against the instance', async () => {
    const a = await server('a');
    a.behave('Add', () => 'hang');
    source.set('calc', [grpcInstance('a', a.port)]);
    const { client, ejection } = harness({}, { outlierEjection: { consecutiveFailures: 1, cooldownMs: 60_000 } });
    const controller = new AbortController();
    const pending = client.call('Add', { a: 1, b: 1 }, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ status: status.CANCELLED });
    expect(ejection.allClosed).toBe(true);
  });

  it('runs interceptors in the documented order: module ones outside client ones, first listed outermost', async () => {
    const a = await server('a');
    source.set('calc', [grpcInstance('a', a.port)]);
    const trace: string[] = [];
    const tracing = (name: string): GrpcClientInterceptor => ({
      async intercept(ctx: GrpcCallContext, next: GrpcNext) {
        trace.push(`${name}>`);
        try {
          return await next();
        } finally {
          trace.push(`<${name}`);
        }
      },
    });
    const auth: GrpcClientInterceptor = {
      intercept(ctx, next) {
        ctx.metadata.set('authorization', 'Bearer t0k3n');
        return next();
      },
    };
    const { client } = harness(
      { interceptors: [tracing('client'), auth] },
      { grpc: { deadlineMs: 2000, interceptors: [tracing('logging'), tracing('deadline')], channelOptions: {}, credentials: undefined } },
    );
    const result = await client.callWithMetadata('Add', { a: 1, b: 2 });
    expect(trace).toEqual(['logging>', 'deadline>', 'client>', '<client', '<deadline', '<logging']);
    expect(result.trailers.get('x-saw-authorization')).toEqual(['Bearer t0k3n']);
  });

  it('lets an interceptor tighten the deadline, and see the error and its trailers', async () => {
    const a = await server('a');
    a.behave('Sub', () => 'hang');
    a.behave('Div', () => ({ code: status.INVALID_ARGUMENT, details: 'b must not be zero' }));
    source.set('calc', [grpcInstance('a', a.port)]);
    const seen: string[] = [];
    const deadline: GrpcClientInterceptor = {
      intercept(ctx, next) {
        ctx.deadline = Math.min(ctx.deadline, Date.now() + 100);
        return next();
      },
    };
    const logging: GrpcClientInterceptor = {
      async intercept(ctx, next) {
        try {
          return await next();
        } catch (error) {
          const e = error as RemoteGrpcError;
          seen.push(`${ctx.method} ${e.statusName} ${e.trailers.get('x-served-by')[0] ?? '-'}`);
          throw error;
        }
      },
    };
    const { client } = harness({ deadlineMs: 10_000, interceptors: [logging, deadline] });
    const started = Date.now();
    await expect(client.call('Sub', { a: 1, b: 1 })).rejects.toMatchObject({ status: status.DEADLINE_EXCEEDED });
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(client.call('Div', { a: 1, b: 0 })).rejects.toMatchObject({ status: status.INVALID_ARGUMENT });
    expect(seen).toEqual(['Sub DEADLINE_EXCEEDED -', 'Div INVALID_ARGUMENT a']);
  });

  it('does not hold a request it cannot encode against the instance', async () => {
    const a = await server('a');
    source.set('calc', [grpcInstance('a', a.port)]);
    const { client, ejection } = harness({}, { outlierEjection: { consecutiveFailures: 1, cooldownMs: 60_000 } });
    const bad = { a: Symbol('not a number') } as unknown as { a: number };
    await expect(client.call('Add', bad)).rejects.toMatchObject({ status: status.INTERNAL });
    expect(ejection.allClosed).toBe(true);
    expect(a.calls).toHaveLength(0);
  });

  it('takes metadata given as a Metadata object without changing it', async () => {
    const a = await server('a');
    source.set('calc', [grpcInstance('a', a.port)]);
    const { client } = harness({ interceptors: [{ intercept: (ctx, next) => (ctx.metadata.set('x-extra', '1'), next()) }] });
    const metadata = new Metadata();
    metadata.set('x-request-id', 'm-1');
    const result = await client.callWithMetadata('Add', { a: 1, b: 1 }, { metadata });
    expect(result.trailers.get('x-request-id')).toEqual(['m-1']);
    expect(metadata.get('x-extra')).toEqual([]);
  });
});
