import { INestApplicationContext, Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import { deregisterDirectly, registerDirectly, startTestRegistry, TestRegistry } from '../../../../test/fixtures/registry.fixture';
import { InjectTcpClient } from '../decorators/inject-tcp-client.decorator';
import { DiscoveryModule } from '../discovery.module';
import { TcpConnectionPool } from './tcp-connection.pool';
import { DiscoveryTcpServer } from './tcp-server.transport';
import { TcpServiceClient } from './tcp-service-client';
import { startTcpServer } from './test-support/tcp-fixtures';

Logger.overrideLogger(false);

@Injectable()
class Sums {
  constructor(@InjectTcpClient('calc') readonly calc: TcpServiceClient) {}
}

describe('DiscoveryModule.forTcpClients', () => {
  let registry: TestRegistry;
  let server: DiscoveryTcpServer;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    registry = await startTestRegistry();
    server = await startTcpServer({ add: (data) => ({ result: (data as { a: number }).a + (data as { b: number }).b }) });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await server.close();
    await registry.close();
  });

  it('injects a ClientProxy that resolves tcp endpoints from the registry, and closes its connections when the instance leaves', async () => {
    @Module({
      imports: [
        DiscoveryModule.forRootAsync({ useFactory: () => ({ register: false, urls: [registry.url], tcp: { connectionsPerInstance: 1 } }) }),
        DiscoveryModule.forTcpClients([{ service: 'calc', idempotent: true }]),
      ],
      providers: [Sums],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();

    // One app's instance: HTTP at its address (nobody listens: the fast lane never calls it), the fast lane as endpoint tcp.
    const body = { name: 'calc', port: 1, endpoints: { tcp: { port: server.port, protocol: 'tcp' } } };
    const registered = await registerDirectly(registry.url, body as Parameters<typeof registerDirectly>[1]);
    const { calc } = app.get(Sums);
    expect(calc).toBeInstanceOf(TcpServiceClient);
    const answer = await waitFor(() => calc.callWithResult('add', { a: 2, b: 3 }), { message: 'a fast-lane answer' });
    expect(answer).toMatchObject({ response: { result: 5 }, instance: { id: registered.id, port: server.port }, attempts: 1 });

    const pool = app.get(TcpConnectionPool);
    const at = { ...registered, port: server.port };
    expect(pool.count(at)).toBe(1);
    await deregisterDirectly(registry.url, 'calc', registered.id);
    await waitFor(() => pool.count(at) === 0, { message: 'the connections of the instance that left to be closed' });
  });

  it('fails the start on two clients with one name, or a bad option', async () => {
    const boot = async (clients: Parameters<typeof DiscoveryModule.forTcpClients>[0]) => {
      @Module({ imports: [DiscoveryModule.forRoot({ register: false, urls: [registry.url] }), DiscoveryModule.forTcpClients(clients)] })
      class AppModule {}
      return NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    };
    expect(() => DiscoveryModule.forTcpClients([{ service: 'calc' }, { service: 'calc' }])).toThrow(/Two fast-lane clients are named "calc"/);
    await expect(boot([{ service: 'calc', retries: -1 }])).rejects.toThrow(/retries/);
    await expect(boot([{ service: 'calc', idempotent: 'yes' as never }])).rejects.toThrow(/idempotent/);
  });
});
