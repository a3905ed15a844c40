import { Logger } from '@nestjs/common';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { RemoteGet, RemotePost, RemotePut } from '../decorators/http-method.decorators';
import { PathParam, QueryParam, RequestBody, RequestHeader } from '../decorators/param.decorators';
import { RemoteService } from '../decorators/remote-service.decorator';
import { unimplemented } from '../decorators/unimplemented';
import { DiscoveryError } from '../errors/discovery.error';
import { ResponseValidationError } from '../errors/response-validation.error';
import { createRemoteClient } from './remote-client.factory';
import { createRemoteClientProviders } from './remote-client.providers';
import { ServiceClient } from './service-client';
import { instance, json, makeClient, startServer, StaticSource, TestClient, TestServer } from './test-support/fixtures';

Logger.overrideLogger(false);

class Owner {
  @IsString()
  name!: string;
}

class Echo {
  @IsString()
  method!: string;
  @IsString()
  url!: string;
  @IsString()
  body!: string;
  @ValidateNested()
  @TransformType(() => Owner)
  owner!: Owner;
  headers!: Record<string, string>;
}

class Sum {
  @IsInt()
  result!: number;
}

@RemoteService('echo', { headers: { 'x-client': 'echo-client' } })
class EchoClient {
  @RemoteGet('/items/:id/sub/:part', { response: Echo })
  get(
    @PathParam('part') part: string,
    @PathParam('id') id: string,
    @QueryParam('tag') tags?: string[],
    @QueryParam() extra?: Record<string, string | number>,
  ): Promise<Echo> {
    return unimplemented();
  }

  @RemotePost('/items', { response: Echo })
  create(@RequestBody() body: object, @RequestHeader('X-Request-Id') requestId?: string): Promise<Echo> {
    return unimplemented();
  }

  @RemotePut('/raw')
  raw(@RequestBody() body: string): Promise<unknown> {
    return unimplemented();
  }

  @RemoteGet('/sum', { response: Sum })
  badSum(): Promise<Sum> {
    return unimplemented();
  }

  @RemoteGet('/sums', { response: Sum })
  sums(): Promise<Sum[]> {
    return unimplemented();
  }

  localHelper(): string {
    return 'local';
  }
}

describe('declarative remote clients', () => {
  let server: TestServer;
  let test: TestClient;
  let client: EchoClient;

  beforeAll(async () => {
    server = await startServer((req, res, body) => {
      if (req.url === '/sum') return json(res, 200, { result: 'three' });
      if (req.url === '/sums') return json(res, 200, [{ result: 1 }, { result: 2.5 }]);
      json(res, 200, { method: req.method, url: req.url, body, owner: { name: 'o' }, headers: req.headers });
    });
    test = makeClient(new StaticSource().set('echo', [instance('e1', server.port)]));
    client = createRemoteClient(EchoClient, test.client);
  });
  afterAll(async () => {
    await test.close();
    await server.close();
  });

  it('keeps instanceof and non-remote methods', () => {
    expect(client).toBeInstanceOf(EchoClient);
    expect(client.localHelper()).toBe('local');
  });

  it('binds path params by name (URI-encoded) and query params (arrays repeat, objects spread)', async () => {
    const answer = await client.get('a/b c', 'id?1', ['x', 'y z'], { page: 2, q: 'é' });
    expect(answer).toBeInstanceOf(Echo);
    expect(answer.owner).toBeInstanceOf(Owner);
    expect(answer.method).toBe('GET');
    expect(answer.url).toBe('/items/id%3F1/sub/a%2Fb%20c?tag=x&tag=y%20z&page=2&q=%C3%A9');
    expect(answer.headers['x-client']).toBe('echo-client');
  });

  it('skips undefined query params', async () => {
    expect((await client.get('p', 'i')).url).toBe('/items/i/sub/p');
  });

  it('sends the body as JSON and header params', async () => {
    const answer = await client.create({ n: 1 }, 'req-7');
    expect(answer.method).toBe('POST');
    expect(answer.body).toBe('{"n":1}');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-request-id']).toBe('req-7');
    expect(answer.headers['x-client']).toBe('echo-client');
    const without = await client.create({ n: 2 });
    expect(without.headers['x-request-id']).toBeUndefined();
  });

  it('sends a string body as is and passes plain JSON through', async () => {
    const answer = (await client.raw('plain')) as { body: string; method: string };
    expect(answer).not.toBeInstanceOf(Echo);
    expect(answer).toMatchObject({ method: 'PUT', body: 'plain' });
  });

  it('rejects an invalid answer with ResponseValidationError naming the field', async () => {
    const error = await client.badSum().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ code: 'RESPONSE_VALIDATION_FAILED', fields: ['result'], retryable: false });
    expect((error as Error).message).toMatch(/Sum: invalid result/);
  });

  it('validates arrays element by element', async () => {
    const error = await client.sums().catch((e: unknown) => e);
    expect(error).toMatchObject({ fields: ['[1].result'] });
  });

  it('fails at startup when a placeholder has no @PathParam, naming the method', () => {
    @RemoteService('x')
    class Broken {
      @RemoteGet('/a/:missing')
      call(@PathParam('other') other: string): Promise<void> {
        return unimplemented();
      }
    }
    expect(() => createRemoteClient(Broken, test.client)).toThrow(/Broken\.call: path placeholder ":missing"/);
  });

  it('fails for a class without @RemoteService', () => {
    class Plain {}
    expect(() => createRemoteClient(Plain, test.client)).toThrow(/not decorated with @RemoteService/);
  });

  it('unimplemented() throws when a declarative class is used directly', () => {
    expect(() => new EchoClient().badSum()).toThrow(/DiscoveryModule\.forFeature/);
  });

  it('builds one provider per class, injecting ServiceClient', () => {
    const [provider] = createRemoteClientProviders([EchoClient]) as Array<{
      provide: unknown;
      inject: unknown[];
      useFactory: (c: ServiceClient) => unknown;
    }>;
    expect(provider.provide).toBe(EchoClient);
    expect(provider.inject).toEqual([ServiceClient]);
    expect(provider.useFactory(test.client)).toBeInstanceOf(EchoClient);
  });
});

describe('declarative fallbacks and interceptors', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  @RemoteService('calc', {
    fallback: (error: DiscoveryError) => ({ result: -1, from: `service fallback: ${error.code}` }),
    interceptors: [{ intercept: (ctx, next) => ((ctx.headers['x-client-tag'] = 'calc-client'), next()) }],
  })
  class CalcClient {
    @RemoteGet('/add/:a/:b', { fallback: (error: DiscoveryError, a: number, b: number) => ({ result: a + b, from: `local: ${error.code}` }) })
    add(@PathParam('a') a: number, @PathParam('b') b: number): Promise<{ result: number; from?: string }> {
      return unimplemented();
    }

    @RemoteGet('/mul/:a/:b')
    mul(@PathParam('a') a: number, @PathParam('b') b: number): Promise<{ result: number; from?: string }> {
      return unimplemented();
    }
  }

  const clientOf = (source: StaticSource): CalcClient => {
    const test = makeClient(source, { retries: 1 });
    clients.push(test);
    return createRemoteClient(CalcClient, test.client);
  };

  it("answers with the method's fallback, or the client's, when no instance can: none registered", async () => {
    const calc = clientOf(new StaticSource());
    await expect(calc.add(2, 3)).resolves.toEqual({ result: 5, from: 'local: NO_AVAILABLE_INSTANCE' });
    await expect(calc.mul(2, 3)).resolves.toEqual({ result: -1, from: 'service fallback: NO_AVAILABLE_INSTANCE' });
  });

  it('answers with the fallback after the retries on 5xx, never on a 4xx', async () => {
    const failing = await startServer((req, res) => json(res, req.url?.startsWith('/add/4') ? 400 : 503, { url: req.url }));
    servers.push(failing);
    const calc = clientOf(new StaticSource().set('calc', [instance('c1', failing.port)]));
    await expect(calc.add(2, 3)).resolves.toEqual({ result: 5, from: 'local: REMOTE_HTTP_ERROR' });
    expect(failing.hits).toHaveLength(2); // the call and its retry, then the fallback
    await expect(calc.add(4, 1)).rejects.toMatchObject({ code: 'REMOTE_HTTP_ERROR', status: 400 });
  });

  it("sends the client's interceptors' headers", async () => {
    const echo = await startServer((req, res) => json(res, 200, { result: 1, from: String(req.headers['x-client-tag']) }));
    servers.push(echo);
    const calc = clientOf(new StaticSource().set('calc', [instance('c1', echo.port)]));
    await expect(calc.mul(1, 1)).resolves.toEqual({ result: 1, from: 'calc-client' });
  });
});
