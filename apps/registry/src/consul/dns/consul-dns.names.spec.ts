import { addrLabel, parseDnsName } from './consul-dns.names';

const zone = { domain: 'consul', datacenter: 'dc1' };

describe('parseDnsName', () => {
  it.each([
    ['web.service.consul', { kind: 'service', service: 'web' }],
    ['web.service.consul.', { kind: 'service', service: 'web' }],
    ['web.service.dc1.consul', { kind: 'service', service: 'web' }],
    ['v2.web.service.CONSUL', { kind: 'service', service: 'web', tag: 'v2' }],
    ['v2.web.service.dc1.consul', { kind: 'service', service: 'web', tag: 'v2' }],
    ['_web._tcp.service.consul', { kind: 'service', service: 'web' }],
    ['_web._v2.service.consul', { kind: 'service', service: 'web', tag: 'v2' }],
    ['7f000002.addr.dc1.consul', { kind: 'addr', address: '127.0.0.2' }],
    ['00000000000000000000000000000001.addr.consul', { kind: 'addr', address: '0000:0000:0000:0000:0000:0000:0000:0001' }],
    ['web.node.consul', { kind: 'unknown' }],
    ['a.b.web.service.consul', { kind: 'unknown' }],
    ['zz.addr.consul', { kind: 'unknown' }],
    ['consul', { kind: 'foreign' }],
    ['web.service.example.com', { kind: 'foreign' }],
  ])('%s', (name, query) => expect(parseDnsName(name, zone)).toEqual(query));

  it('answers for a domain of several labels', () => {
    expect(parseDnsName('web.service.discovery.internal', { domain: 'discovery.internal', datacenter: 'dc1' })).toEqual({ kind: 'service', service: 'web' });
  });
});

describe('addrLabel', () => {
  it('hexes IPv4 and IPv6 addresses, not host names', () => {
    expect(addrLabel('127.0.0.2')).toBe('7f000002');
    expect(addrLabel('::1')).toBe('00000000000000000000000000000001');
    expect(addrLabel('calc.internal')).toBeUndefined();
  });
});
