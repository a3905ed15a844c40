import { Resolver } from 'node:dns/promises';
import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';

const DNS_LISTENING = /Consul DNS listening on udp:\/\/[^\s:"]+:(\d+)/;

/** The rejection code of a DNS lookup (`ENOTFOUND` for NXDOMAIN, `EREFUSED`…). */
async function failureCode(lookup: Promise<unknown>): Promise<string> {
  try {
    await lookup;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'no code';
  }
  throw new Error('the lookup succeeded');
}

describe('Consul-style DNS, through Node’s dns.Resolver', () => {
  jest.setTimeout(30_000);

  let registry: RunningApp;
  let resolver: Resolver;

  beforeAll(async () => {
    registry = await startApp('registry', { REGISTRY_HOST: '127.0.0.1', REGISTRY_DNS_PORT: '0', REGISTRY_DATA_DIR: tmpDir('consul-dns-e2e-') });
    const match = DNS_LISTENING.exec(registry.output());
    if (match === null) throw new Error(`no DNS listening line in:\n${registry.output()}`);
    resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([`127.0.0.1:${match[1]}`]);
    // Instances without checks: the registry probes nothing here.
    for (const [id, host, port, tags] of [
      ['api-1', '127.0.0.2', 8001, ['primary']],
      ['api-2', '127.0.0.3', 8002, []],
      ['api-3', '127.0.0.4', 8003, []],
    ] as const) {
      const answer = await http(`${registry.url}/v1/agent/service/register`, { method: 'PUT', body: { Name: 'api', ID: id, Address: host, Port: port, Tags: tags } });
      expect(answer.status).toBe(200);
    }
    // A drained instance is registered but not routable: DNS leaves it out, as every lookup does.
    expect((await http(`${registry.url}/service/api/api-3`, { method: 'PATCH', body: { enabled: false } })).status).toBe(200);
  });

  afterAll(() => stopAll());

  it('answers SRV records of the routable instances, their targets resolvable', async () => {
    const records = await resolver.resolveSrv('api.service.consul');
    expect(records.map(({ name, port, priority, weight }) => ({ name, port, priority, weight })).sort((a, b) => a.port - b.port)).toEqual([
      { name: '7f000002.addr.dc1.consul', port: 8001, priority: 1, weight: 1 },
      { name: '7f000003.addr.dc1.consul', port: 8002, priority: 1, weight: 1 },
    ]);
    expect(await resolver.resolve4('7f000002.addr.dc1.consul')).toEqual(['127.0.0.2']);
    expect((await resolver.resolveSrv('_api._tcp.service.consul')).length).toBe(2);
  });

  it('answers A records, by tag too, with the datacenter or without', async () => {
    expect((await resolver.resolve4('api.service.consul')).sort()).toEqual(['127.0.0.2', '127.0.0.3']);
    expect(await resolver.resolve4('primary.api.service.consul')).toEqual(['127.0.0.2']);
    expect((await resolver.resolve4('api.service.dc1.consul')).sort()).toEqual(['127.0.0.2', '127.0.0.3']);
  });

  it('answers NXDOMAIN for an unknown service or tag, and refuses names outside its domain', async () => {
    expect(await failureCode(resolver.resolve4('nope.service.consul'))).toBe('ENOTFOUND');
    expect(await failureCode(resolver.resolveSrv('canary.api.service.consul'))).toBe('ENOTFOUND');
    expect(await failureCode(resolver.resolve4('example.com'))).toBe('EREFUSED');
  });

  it('follows the registry: a deregistered instance leaves the answers at once', async () => {
    expect((await http(`${registry.url}/v1/agent/service/deregister/api-2`, { method: 'PUT' })).status).toBe(200);
    expect(await resolver.resolve4('api.service.consul')).toEqual(['127.0.0.2']);
  });
});
