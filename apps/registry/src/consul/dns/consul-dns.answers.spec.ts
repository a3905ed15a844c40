import * as dnsPacket from 'dns-packet';
import { RegistryInstance } from '../../registry/instance.entity';
import { encodeResponse, RCODE, serviceRecords } from './consul-dns.answers';

const zone = { domain: 'consul', datacenter: 'dc1' };
const instance = (host: string, port: number, weight = 1): RegistryInstance => ({ id: `${host}:${port}`, name: 'web', host, port, weight }) as RegistryInstance;
const query = (name: string, type: dnsPacket.RecordType): dnsPacket.DecodedPacket =>
  dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] }));

describe('serviceRecords', () => {
  it('answers SRV with ports, weights and addr targets, their addresses as additionals', () => {
    const records = serviceRecords({ name: 'web.service.consul', type: 'SRV' }, [instance('127.0.0.2', 8080, 3)], zone);
    expect(records.answers).toEqual([
      { name: 'web.service.consul', type: 'SRV', ttl: 0, data: { priority: 1, weight: 3, port: 8080, target: '7f000002.addr.dc1.consul' } },
    ]);
    expect(records.additionals).toEqual([{ name: '7f000002.addr.dc1.consul', type: 'A', ttl: 0, data: '127.0.0.2' }]);
  });

  it('answers A with each address once, and AAAA with IPv6 ones only', () => {
    const instances = [instance('127.0.0.2', 1), instance('127.0.0.2', 2), instance('::1', 3)];
    expect(serviceRecords({ name: 'web.service.consul', type: 'A' }, instances, zone).answers).toEqual([
      { name: 'web.service.consul', type: 'A', ttl: 0, data: '127.0.0.2' },
    ]);
    expect(serviceRecords({ name: 'web.service.consul', type: 'AAAA' }, instances, zone).answers?.map((answer) => (answer as { data: unknown }).data)).toEqual(['::1']);
  });
});

describe('encodeResponse', () => {
  it('is an authoritative answer to the question, with the rcode', () => {
    const decoded = dnsPacket.decode(encodeResponse(query('x.service.consul', 'A'), RCODE.NXDOMAIN));
    expect(decoded).toMatchObject({ id: 7, type: 'response', flag_aa: true, flag_rd: true, rcode: 'NXDOMAIN' });
    expect(decoded.questions).toEqual([{ name: 'x.service.consul', type: 'A', class: 'IN' }]);
  });

  it('truncates what does not fit in 512 bytes, with TC set', () => {
    const many = Array.from({ length: 60 }, (_, i) => instance(`127.0.0.${i + 2}`, 80));
    const request = query('web.service.consul', 'SRV');
    const encoded = encodeResponse(request, RCODE.NOERROR, serviceRecords(request.questions![0], many, zone));
    const decoded = dnsPacket.decode(encoded);
    expect(encoded.length).toBeLessThanOrEqual(512);
    expect(decoded.flag_tc).toBe(true);
    expect(decoded.answers!.length).toBeGreaterThan(0);
  });
});
