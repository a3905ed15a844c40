import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RemoteGet } from '../decorators/http-method.decorators';
import { PathParam } from '../decorators/param.decorators';
import { RemoteService } from '../decorators/remote-service.decorator';
import { unimplemented } from '../decorators/unimplemented';
import { DISCOVERY_CONFIG, GRPC_OUTLIER_EJECTION, INSTANCE_SOURCE } from '../discovery.constants';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { AxiosTransport } from './axios.transport';
import { CLIENT_EXPORTS, CLIENT_PROVIDERS, createTransport } from './client.providers';
import { HTTP_TRANSPORT } from './http-transport.interface';
import { createRemoteClientProviders } from './remote-client.providers';
import { ServiceClient } from './service-client';
import { config, instance, json, startServer, StaticSource, TestServer } from './test-support/fixtures';
import { UndiciTransport } from './undici.transport';

Logger.overrideLogger(false);

@RemoteService('calc')
class CalcClient {
  @RemoteGet('/add/:a/:b')
  add(@PathParam('a') a: number, @PathParam('b') b: number): Promise<{ result: number }> {
    return unimplemented();
  }
}

describe('CLIENT_PROVIDERS in a Nest container', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const [, , a, b] = (req.url ?? '').split('/');
      json(res, 200, { result: Number(a) + Number(b) });
    });
  });
  afterAll(() => server.close());

  it('wires ServiceClient and declarative clients over the undici transport, and closes pools on shutdown', async () => {
    const source = new StaticSource().set('calc', [instance('c1', server.port)]);
    @Global()
    @Module({
      providers: [{ provide: DISCOVERY_CONFIG, useValue: config() }, { provide: INSTANCE_SOURCE, useValue: source }, ...CLIENT_PROVIDERS],
      exports: [...CLIENT_EXPORTS],
    })
    class CoreModule {}
    @Module({ providers: createRemoteClientProviders([CalcClient]) })
    class FeatureModule {}

    const moduleRef = await Test.createTestingModule({ imports: [CoreModule, FeatureModule] }).compile();
    const app = await moduleRef.init();
    const transport = app.get<UndiciTransport>(HTTP_TRANSPORT);
    expect(transport).toBeInstanceOf(UndiciTransport);
    await expect(app.get(ServiceClient).request({ service: 'calc', path: '/add/2/3' })).resolves.toEqual({ result: 5 });
    const calc = app.get(CalcClient);
    expect(calc).toBeInstanceOf(CalcClient);
    await expect(calc.add(40, 2)).resolves.toEqual({ result: 42 });
    expect(transport.size).toBe(1);
    // An instance's gRPC endpoint fails apart from its HTTP address: two sets of circuits.
    expect(app.get(GRPC_OUTLIER_EJECTION)).toBeInstanceOf(OutlierEjection);
    expect(app.get(GRPC_OUTLIER_EJECTION)).not.toBe(app.get(OutlierEjection));
    await app.close();
    expect(transport.size).toBe(0);
  });

  it('selects the transport the resolved options name', async () => {
    expect(createTransport(config())).toBeInstanceOf(UndiciTransport);
    const axios = createTransport(config({ transport: 'axios' }));
    expect(axios).toBeInstanceOf(AxiosTransport);
    await axios.close?.();
  });

  it('the axios transport speaks the same seam', async () => {
    const axios = new AxiosTransport();
    const response = await axios.send(instance('c1', server.port), { method: 'GET', path: '/add/1/1', timeoutMs: 1000 });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/json/);
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({ result: 2 });
    await axios.close();
  });
});
