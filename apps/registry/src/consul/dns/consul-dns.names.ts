import { isIPv4, isIPv6 } from 'node:net';

/** What a DNS name asks for, in the registry's domain. */
export type DnsQuery =
  | { kind: 'service'; service: string; tag?: string }
  /** `<hex>.addr.<domain>`: the address an SRV answer's target stands for. */
  | { kind: 'addr'; address: string }
  /** In the domain, but no name the registry answers: NXDOMAIN. */
  | { kind: 'unknown' }
  /** Outside the domain: not the registry's to answer (REFUSED). */
  | { kind: 'foreign' };

/** Where names live: `<…>.[<datacenter>.]<domain>`. */
export interface DnsZone {
  domain: string;
  datacenter: string;
}

/**
 * Reads a question's name as Consul's DNS does: `<service>.service.<domain>`, `<tag>.<service>.service.<domain>`,
 * RFC 2782's `_<service>._<tag>.service.<domain>` (`_tcp` for any tag), each with the datacenter before the
 * domain or without, and `<hex>.addr.<domain>`. Labels keep their case except the domain's.
 *
 * @example
 * parseDnsName('v2.web.service.consul', { domain: 'consul', datacenter: 'dc1' }); // { kind: 'service', service: 'web', tag: 'v2' }
 */
export function parseDnsName(name: string, zone: DnsZone): DnsQuery {
  const labels = name.replace(/\.$/, '').split('.');
  const domain = zone.domain.split('.');
  const tail = labels.slice(-domain.length).map((label) => label.toLowerCase());
  if (labels.length <= domain.length || tail.join('.') !== zone.domain) return { kind: 'foreign' };
  const inside = labels.slice(0, -domain.length);
  if (inside.length > 2 && inside[inside.length - 1].toLowerCase() === zone.datacenter) inside.pop();
  const type = inside.pop()?.toLowerCase();
  if (type === 'addr' && inside.length === 1) {
    const address = addressOf(inside[0]);
    return address === undefined ? { kind: 'unknown' } : { kind: 'addr', address };
  }
  if (type !== 'service') return { kind: 'unknown' };
  if (inside.length === 2 && inside[0].startsWith('_') && inside[1].startsWith('_')) {
    const tag = inside[1].slice(1);
    return { kind: 'service', service: inside[0].slice(1), ...(tag === 'tcp' ? {} : { tag }) };
  }
  if (inside.length === 1) return { kind: 'service', service: inside[0] };
  if (inside.length === 2) return { kind: 'service', service: inside[1], tag: inside[0] };
  return { kind: 'unknown' };
}

/**
 * The `addr` label of an address, Consul's way: its bytes in hex (8 digits for IPv4, 32 for IPv6); undefined
 * for a host name, which is its own target.
 */
export function addrLabel(host: string): string | undefined {
  if (isIPv4(host)) return host.split('.').map((part) => Number(part).toString(16).padStart(2, '0')).join('');
  if (isIPv6(host)) return expandIPv6(host).replace(/:/g, '');
  return undefined;
}

function addressOf(label: string): string | undefined {
  if (/^[0-9a-f]{8}$/i.test(label)) return (label.match(/../g) as string[]).map((byte) => parseInt(byte, 16)).join('.');
  if (/^[0-9a-f]{32}$/i.test(label)) return (label.toLowerCase().match(/.{4}/g) as string[]).join(':');
  return undefined;
}

function expandIPv6(address: string): string {
  const [head, tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.map((group) => group.padStart(4, '0').toLowerCase()).join(':');
}
