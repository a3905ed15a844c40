import { connectivityState } from '@grpc/grpc-js';
import { INestApplicationContext, Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import {
  deregisterDirectly,
  registerDirectly,
  startTestRegistry,
  TestRegistry,
} from '../../../../test/fixtures/registry.fixture';
import { InjectGrpcClient } from '../decorators/inject-grpc-client.decorator';
import { DiscoveryModule } from '../discovery.module';
import { GrpcChannelPool } from './channel-pool';
import { GrpcClientInterceptor } from './grpc-interceptor.interface';
import { GrpcServiceClient } from './grpc-service-client';
import { CALC_PROTO, CALC_SERVICE, CalculatorDefinition, startGrpcServer, TestGrpcServer } from './test-support/grpc-fixtures';

Logger.overrideLogger(false);

@Injectable()
class Sums {
  constructor(@InjectGrpcClient('calc') readonly calc: GrpcServiceClient<CalculatorDefinition>) {}
}

const CALC = { service: 'calc', protoPath: CALC_PROTO, grpcService: CALC_SERVICE, idempotent: true as const };

describe('DiscoveryModule.forGrpcClients', () => {
  let registry: TestRegistry;
  let server: TestGrpcServer;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    registry = await startTestRegistry();
    server = await startGrpcServer('calc-1');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await server.close();
    await registry.close();
  });

  it('injects a client that resolves grpc endpoints from the registry, and closes a channel when its instance leaves', async () => {
    const tagged: string[] = [];
    const tagging: GrpcClientInterceptor = { intercept: (ctx, next) => (tagged.push(ctx.method), next()) };
    @Module({
      imports: [
        DiscoveryModule.forRootAsync({
          useFactory: () => ({ register: false, urls: [registry.url], grpc: { interceptors: [tagging] } }),
        }),
        DiscoveryModule.forGrpcClients([CALC]),
      ],
      providers: [Sums],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();

    const http = await registerDirectly(registry.url, { name: 'calc', port: 1 });
    const grpc = await registerDirectly(registry.url, { name: 'calc', port: server.port, protocol: 'grpc' });
    const { calc } = app.get(Sums);
    const answer = await waitFor(() => calc.callWithMetadata('Add', { a: 2, b: 3 }), { message: 'a gRPC answer' });
    expect(answer).toMatchObject({ response: { result: 5 }, instance: { id: grpc.id, protocol: 'grpc' } });
    expect(tagged).toContain('Add');

    const channels = app.get(GrpcChannelPool);
    const channel = channels.get(grpc);
    expect(channels.size).toBe(1);
    await deregisterDirectly(registry.url, 'calc', grpc.id);
    await waitFor(() => channels.size === 0, { message: 'the channel of the instance that left to be closed' });
    expect(channel.getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
    await deregisterDirectly(registry.url, 'calc', http.id);
  });

  it('fails the start on two clients with one name, or a bad proto', async () => {
    const boot = async (clients: Parameters<typeof DiscoveryModule.forGrpcClients>[0]) => {
      @Module({ imports: [DiscoveryModule.forRoot({ register: false, urls: [registry.url] }), DiscoveryModule.forGrpcClients(clients)] })
      class AppModule {}
      return NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    };
    expect(() => DiscoveryModule.forGrpcClients([CALC, CALC])).toThrow(/Two gRPC clients are named "calc"/);
    await expect(boot([{ ...CALC, grpcService: 'calc.Missing' }])).rejects.toThrow(/no gRPC service "calc.Missing"/);
  });
});
