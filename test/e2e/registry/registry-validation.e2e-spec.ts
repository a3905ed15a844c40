import { describeStores } from '../helpers/stores';
import { bootRegistry, calc, ErrorJson, http, HttpResult, StateJson, TestRegistry } from './registry.harness';

/** Bad register bodies, with the field the 400's message must name. */
const BAD_BODIES: [string, Record<string, unknown>, RegExp][] = [
  ['missing name', { host: '127.0.0.1', port: 8080 }, /name is required/],
  ['bad name pattern', calc({ name: '-calc' }), /name must match/],
  ['name too long', calc({ name: 'a'.repeat(64) }), /name must match/],
  ['missing host', { name: 'calc', port: 8080 }, /host is required/],
  ['bad host', calc({ host: 'not a host!' }), /host must be a hostname or an IP address/],
  ['port 0', calc({ port: 0 }), /port must be an integer between 1 and 65535/],
  ['port 70000', calc({ port: 70000 }), /port must be an integer between 1 and 65535/],
  ['port "abc"', calc({ port: 'abc' }), /port must be an integer between 1 and 65535/],
  ['port 80.5', calc({ port: 80.5 }), /port must be an integer between 1 and 65535/],
  ['bad protocol', calc({ protocol: 'ftp' }), /protocol must be one of http, https, grpc/],
  ['33 tags', calc({ tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }), /tags must have at most 32 items/],
  ['empty tag', calc({ tags: ['ok', ''] }), /tags must not contain empty strings/],
  ['non-string tag', calc({ tags: [1] }), /tags must be an array of strings/],
  ['tags not an array', calc({ tags: 'blue' }), /tags must be an array/],
  [
    '65 metadata entries',
    calc({ metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }),
    /metadata must have at most 64 entries/,
  ],
  ['non-string metadata value', calc({ metadata: { zone: 1 } }), /metadata \.zone must be a string/],
  ['metadata an array', calc({ metadata: ['a'] }), /metadata must be an object of string values/],
  ['weight 0', calc({ weight: 0 }), /weight must be an integer between 1 and 1000/],
  ['weight 1001', calc({ weight: 1001 }), /weight must be an integer between 1 and 1000/],
  ['ttl 0', calc({ ttlSeconds: 0 }), /ttlSeconds must be an integer between 1 and 3600/],
  ['ttl 3601', calc({ ttlSeconds: 3601 }), /ttlSeconds must be an integer between 1 and 3600/],
  ['bad id', calc({ id: 'has space' }), /id must match/],
  ['unknown field', calc({ colour: 'blue' }), /property colour should not exist/],
  ['endpoints an array', calc({ endpoints: [{ port: 1 }] }), /endpoints must be an object/],
  ['endpoint name', calc({ endpoints: { GRPC: { port: 50051 } } }), /endpoints keys must match .*"GRPC"/],
  ['endpoint without port', calc({ endpoints: { grpc: {} } }), /endpoints\.grpc\.port is required/],
  ['endpoint port 0', calc({ endpoints: { grpc: { port: 0 } } }), /endpoints\.grpc\.port must be an integer between 1 and 65535/],
  ['endpoint not a protocol', calc({ endpoints: { admin: { port: 9000 } } }), /endpoints\.admin\.protocol is required/],
  ['endpoint protocol', calc({ endpoints: { admin: { port: 9000, protocol: 'ftp' } } }), /endpoints\.admin\.protocol must be one of http, https, grpc, tcp/],
  ['endpoint field', calc({ endpoints: { grpc: { port: 50051, host: '10.0.0.1' } } }), /endpoints\.grpc\.host should not exist/],
  ['endpoint check type', calc({ endpoints: { grpc: { port: 50051, check: { type: 'ping' } } } }), /endpoints\.grpc\.check\.type must be one of/],
  [
    'endpoint check interval',
    calc({ endpoints: { grpc: { port: 50051, check: { type: 'grpc', intervalSeconds: 0 } } } }),
    /endpoints\.grpc\.check\.intervalSeconds must be an integer between 1 and 3600/,
  ],
  [
    '9 endpoints',
    calc({ endpoints: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`e${i}`, { port: 9000 + i, protocol: 'tcp' }])) }),
    /endpoints must have at most 8 entries/,
  ],
];

describeStores('registry input validation', (store) => {
  let registry: TestRegistry;
  let url: string;
  let before: StateJson;

  beforeAll(async () => {
    registry = await bootRegistry({ store: store.location });
    url = registry.url;
    await http(`${url}/register`, { method: 'POST', body: calc({ id: 'calc-1', tags: ['v1'] }) });
    before = (await http<StateJson>(`${url}/services`)).body;
  });

  afterAll(() => registry.close());

  // A rejected request must change nothing: checked after every case.
  afterEach(async () => {
    expect((await http<StateJson>(`${url}/services`)).body).toEqual(before);
  });

  function expectError(result: HttpResult<unknown>, status: number, message: RegExp): void {
    expect(result.status).toBe(status);
    expect(result.headers.get('content-type')).toContain('application/json');
    const body = result.body as ErrorJson;
    expect(body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    expect(body.message).toMatch(message);
  }

  it.each(BAD_BODIES)('rejects %s with 400 naming the field', async (_case, body, message) => {
    // Same id as the registered instance: a wrongly accepted body would show up as a change.
    const result = await http(`${url}/register`, { method: 'POST', body: { ...body, id: body.id ?? 'calc-1' } });
    expectError(result, 400, message);
  });

  it('rejects malformed JSON with 400', async () => {
    const result = await http(`${url}/register`, { method: 'POST', body: '{"name":"calc",' });
    expectError(result, 400, /body is not valid JSON/);
  });

  it.each([
    ['an array', '[1]'],
    ['a string', '"calc"'],
    ['null', 'null'],
  ])('rejects a body that is %s with 400', async (_case, body) => {
    expectError(await http(`${url}/register`, { method: 'POST', body }), 400, /body must be a JSON object/);
  });

  it('rejects a body over 64 KiB with 413', async () => {
    const body = JSON.stringify(calc({ id: 'calc-1', metadata: { big: 'x'.repeat(70 * 1024) } }));
    expectError(await http(`${url}/register`, { method: 'POST', body }), 413, /65536 bytes/);
  });

  it.each([
    ['knownRevision=abc', /knownRevision must be a non-negative integer/],
    ['knownRevision=-1', /knownRevision must be a non-negative integer/],
    ['knownRevision=1.5', /knownRevision must be a non-negative integer/],
    ['bogus=1', /property bogus should not exist/],
    ['answer=some', /^answer must be all or none$/],
    ['answer=', /^answer must be all or none$/],
    ['answer=none&answer=all', /^answer must be all or none$/],
  ])('rejects register query %s with 400', async (query, message) => {
    const result = await http(`${url}/register?${query}`, { method: 'POST', body: calc({ id: 'calc-1', tags: ['v2'] }) });
    expectError(result, 400, message);
  });

  it.each([
    ['revision=abc', /revision must be a non-negative integer/],
    ['revision=1&timeoutSeconds=301', /timeoutSeconds must be an integer between 0 and 300/],
    ['revision=1&timeoutSeconds=x', /timeoutSeconds must be an integer between 0 and 300/],
  ])('rejects watch query %s with 400', async (query, message) => {
    expectError(await http(`${url}/watch?${query}`), 400, message);
  });

  it('rejects a bad service name in the path with 400', async () => {
    expectError(await http(`${url}/service/${encodeURIComponent('bad name')}`), 400, /name must match/);
    expectError(await http(`${url}/service/${'a'.repeat(64)}`), 400, /name must match/);
  });

  it('rejects a repeated tag parameter with 400', async () => {
    expectError(await http(`${url}/service/calc?tag=a&tag=b`), 400, /tag must be a single string/);
  });

  it('rejects a bad deregistration path with 400', async () => {
    expectError(await http(`${url}/service/-x/calc-1`, { method: 'DELETE' }), 400, /name must match/);
  });
});
