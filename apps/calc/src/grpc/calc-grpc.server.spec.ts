import { ClientUnaryCall, credentials, makeClientConstructor, Metadata, ServiceClientConstructor, ServiceError, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DEFAULT_PROTO_LOADER_OPTIONS, protoFile } from '@nest-discovery/discovery';
import { INestMicroservice, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CalcService } from '../calc.service';
import { CalcGrpcController } from './calc.grpc-controller';
import { CalcGrpcServer } from './calc-grpc.server';
import { requestIdInterceptor } from './request-id.server-interceptor';

Logger.overrideLogger(false);

@Module({ controllers: [CalcGrpcController], providers: [CalcService] })
class CalcGrpcModule {}

interface Answer {
  error: ServiceError | null;
  value?: { result: number };
  trailers: Metadata;
}

type Callback = (error: ServiceError | null, value: { result: number }) => void;
type UnaryMethod = (request: object, metadata: Metadata, callback: Callback) => ClientUnaryCall;

describe('calc over gRPC (Nest microservice on a free port)', () => {
  let app: INestMicroservice;
  let server: CalcGrpcServer;
  let client: InstanceType<ServiceClientConstructor>;

  beforeAll(async () => {
    server = new CalcGrpcServer({ host: '127.0.0.1', port: 0, interceptors: [requestIdInterceptor(() => 'calc-test-1')] });
    app = await NestFactory.createMicroservice(CalcGrpcModule, { strategy: server, logger: false });
    await app.listen();
    const definition = loadSync(protoFile('calc.proto'), DEFAULT_PROTO_LOADER_OPTIONS);
    const Calculator = makeClientConstructor(definition['calc.Calculator'] as never, 'calc.Calculator');
    client = new Calculator(`127.0.0.1:${server.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await app.close();
  });

  const call = (method: string, request: object, metadata = new Metadata()): Promise<Answer> =>
    new Promise((resolve) => {
      let error: ServiceError | null = null;
      let value: { result: number } | undefined;
      const unary = (client as unknown as Record<string, UnaryMethod>)[method].bind(client);
      const pending = unary(request, metadata, (e, v) => {
        error = e;
        value = v;
      });
      pending.on('status', (s: { metadata: Metadata }) => resolve({ error, value, trailers: s.metadata }));
    });

  it('serves the four operations on the port it reports', async () => {
    expect(server.port).toBeGreaterThan(0);
    expect((await call('Add', { a: 1, b: 2 })).value).toEqual({ result: 3 });
    expect((await call('Sub', { a: 1, b: 2 })).value).toEqual({ result: -1 });
    expect((await call('Mul', { a: -1.5, b: 2 })).value).toEqual({ result: -3 });
    expect((await call('Div', { a: 0, b: 4 })).value).toEqual({ result: 0 });
  });

  it('answers INVALID_ARGUMENT with a clear message for division by zero and bad operands', async () => {
    const zero = await call('Div', { a: 1, b: 0 });
    expect(zero.error).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'b must not be zero: division by zero' });
    expect((await call('Add', { b: 1 })).error).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'a is required' });
    expect((await call('Mul', { a: 1, b: NaN })).error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'b must be a finite number, got NaN',
    });
  });

  it('echoes x-request-id and names the instance in the trailers, on success and on error', async () => {
    const metadata = new Metadata();
    metadata.set('x-request-id', 'req-42');
    const ok = await call('Add', { a: 1, b: 1 }, metadata);
    expect(ok.trailers.get('x-request-id')).toEqual(['req-42']);
    expect(ok.trailers.get('x-served-by')).toEqual(['calc-test-1']);
    const failed = await call('Div', { a: 1, b: 0 }, metadata);
    expect(failed.trailers.get('x-request-id')).toEqual(['req-42']);
    const generated = await call('Add', { a: 1, b: 1 });
    expect(generated.trailers.get('x-request-id')[0]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
