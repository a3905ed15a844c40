import { credentials, makeClientConstructor, Metadata, ServiceClientConstructor, ServiceError, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DEFAULT_PROTO_LOADER_OPTIONS, protoFile, RequestContext } from '@nest-discovery/discovery';
import { appLogger, loggerParams } from '@nest-discovery/discovery/logging';
import { Controller, INestMicroservice, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { Params, PinoLogger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CalcGrpcServer } from './calc-grpc.server';
import { pinoGrpcCallLog } from './grpc-call.log';
import { requestIdInterceptor } from './request-id.server-interceptor';

interface Line {
  level: string;
  msg: string;
  reqId?: string;
  context?: string;
  grpc?: { method: string; code: string };
}

// Every line pino writes, parsed: the test reads calc's gRPC log as a log shipper would.
const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString().split('\n')) if (text) lines.push(JSON.parse(text) as Line);
    done();
  },
});
const params = { pinoHttp: [loggerParams('calc', { level: 'debug', format: 'json' }).pinoHttp, sink] } as Params;
const nestLogger = appLogger(params);

/** What a handler saw of its call: the current request id, after an await. */
const seen: Array<string | undefined> = [];

@Controller()
class ProbeController {
  private readonly logger = new Logger('Probe');

  @GrpcMethod('Calculator', 'Add')
  async add(): Promise<{ result: number }> {
    await nextTurn();
    seen.push(RequestContext.requestId());
    this.logger.log('adding');
    return { result: 3 };
  }

  @GrpcMethod('Calculator', 'Div')
  div(): never {
    throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'b must not be zero' });
  }

  @GrpcMethod('Calculator', 'Mul')
  mul(): never {
    throw new Error('boom');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('requestIdInterceptor with the pino call log (Nest gRPC server on a free port)', () => {
  let app: INestMicroservice;
  let client: InstanceType<ServiceClientConstructor>;

  beforeAll(async () => {
    const server = new CalcGrpcServer({
      host: '127.0.0.1',
      port: 0,
      interceptors: [requestIdInterceptor(() => 'calc-test-1', pinoGrpcCallLog(PinoLogger.root))],
    });
    app = await NestFactory.createMicroservice(ProbeModule, { strategy: server, logger: nestLogger });
    await app.listen();
    const definition = loadSync(protoFile('calc.proto'), DEFAULT_PROTO_LOADER_OPTIONS);
    const Calculator = makeClientConstructor(definition['calc.Calculator'] as never, 'calc.Calculator');
    client = new Calculator(`127.0.0.1:${server.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await app.close();
  });

  const call = (method: string, requestId?: string): Promise<{ error: ServiceError | null; trailers: Metadata }> =>
    new Promise((resolve) => {
      const metadata = new Metadata();
      if (requestId) metadata.set('x-request-id', requestId);
      let error: ServiceError | null = null;
      const unary = (client as unknown as Record<string, (r: object, m: Metadata, cb: (e: ServiceError | null) => void) => { on: Function }>)[method];
      unary.call(client, { a: 1, b: 2 }, metadata, (e) => (error = e)).on('status', (s: { metadata: Metadata }) =>
        resolve({ error, trailers: s.metadata }),
      );
    });
  const linesOf = (requestId: string) => lines.filter((line) => line.reqId === requestId);

  it("runs the handler with the caller's id as the current request, and logs it on every line", async () => {
    await call('Add', 'grpc-req-1');
    expect(seen).toContain('grpc-req-1');
    expect(linesOf('grpc-req-1').map((line) => [line.level, line.msg])).toEqual([
      ['info', 'adding'],
      ['debug', 'gRPC call completed'],
    ]);
    expect(linesOf('grpc-req-1')[1].grpc).toEqual({ method: '/calc.Calculator/Add', code: 'OK' });
  });

  it('logs a caller mistake at info and a server fault at error, with the id answered in the trailers', async () => {
    const mistake = await call('Div', 'grpc-req-2');
    const fault = await call('Mul', 'grpc-req-3');
    expect(mistake.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(fault.error?.code).toBe(status.UNKNOWN);
    expect(linesOf('grpc-req-2').filter((line) => line.grpc)).toEqual([
      expect.objectContaining({ level: 'info', msg: 'gRPC call failed', grpc: { method: '/calc.Calculator/Div', code: 'INVALID_ARGUMENT' } }),
    ]);
    expect(linesOf('grpc-req-3').filter((line) => line.grpc)).toEqual([
      expect.objectContaining({ level: 'error', msg: 'gRPC call failed', grpc: { method: '/calc.Calculator/Mul', code: 'UNKNOWN' } }),
    ]);
    expect(mistake.trailers.get('x-request-id')).toEqual(['grpc-req-2']);
  });

  it('makes one up when the caller sent none: the same id in the trailers, the handler and the log', async () => {
    const { trailers } = await call('Add');
    const [generated] = trailers.get('x-request-id') as string[];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen).toContain(generated);
    expect(linesOf(generated).map((line) => line.msg)).toEqual(['adding', 'gRPC call completed']);
  });
});
