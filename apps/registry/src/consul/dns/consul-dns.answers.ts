import * as dnsPacket from 'dns-packet';
import { isIPv4, isIPv6 } from 'node:net';
import { RegistryInstance } from '../../registry/instance.entity';
import { addrLabel, DnsZone } from './consul-dns.names';

/** Response codes the registry answers with (the low four bits of the flags). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Largest UDP answer without EDNS (RFC 1035), and the most an EDNS client may ask for here. */
const CLASSIC_UDP_BYTES = 512;
const MAX_UDP_BYTES = 4096;

type Records = Pick<dnsPacket.Packet, 'answers' | 'additionals'>;

/**
 * The records answering `question` from a service's routable instances: A (AAAA) records of their
 * addresses, or SRV records of their ports and weights with the targets' addresses as additionals
 * (Consul's `<hex>.addr.<dc>.<domain>` targets; a host name is its own target). Service TTLs are 0, as
 * Consul's default: clients ask again, and the order is shuffled each time, spreading load.
 */
export function serviceRecords(question: dnsPacket.Question, instances: readonly RegistryInstance[], zone: DnsZone): Records {
  const shuffled = shuffle([...instances]);
  const { name } = question;
  if (question.type === 'SRV') {
    const answers: dnsPacket.Answer[] = [];
    const additionals: dnsPacket.Answer[] = [];
    for (const instance of shuffled) {
      const label = addrLabel(instance.host);
      const target = label === undefined ? instance.host : `${label}.addr.${zone.datacenter}.${zone.domain}`;
      answers.push({ name, type: 'SRV', ttl: 0, data: { priority: 1, weight: instance.weight, port: instance.port, target } });
      if (label !== undefined) additionals.push(addressRecord(target, instance.host));
    }
    return { answers, additionals };
  }
  const family = question.type === 'AAAA' ? isIPv6 : question.type === 'A' || (question.type as string) === 'ANY' ? isIPv4 : undefined;
  if (family === undefined) return { answers: [] };
  const hosts = [...new Set(shuffled.map((instance) => instance.host).filter((host) => family(host)))];
  return { answers: hosts.map((host) => addressRecord(name, host)) };
}

/** The A or AAAA record of `address` under `name`. */
export function addressRecord(name: string, address: string): dnsPacket.Answer {
  return isIPv6(address) ? { name, type: 'AAAA', ttl: 0, data: address } : { name, type: 'A', ttl: 0, data: address };
}

/**
 * The encoded response to `request`: authoritative, its questions echoed, `rcode` in the flags. Over the
 * size the client takes (512 bytes, or its EDNS payload size) the additionals, then answers from the end,
 * are dropped and the TC bit set, so the client may retry over TCP or use what fits.
 */
export function encodeResponse(request: dnsPacket.DecodedPacket, rcode: number, records: Records = {}): Buffer {
  const packet: dnsPacket.Packet = {
    id: request.id,
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER | ((request.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
    questions: request.questions,
    answers: [...(records.answers ?? [])],
    additionals: [...(records.additionals ?? [])],
  };
  const limit = payloadLimit(request);
  let encoded = dnsPacket.encode(packet);
  if (encoded.length <= limit) return encoded;
  packet.flags = (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
  packet.additionals = [];
  while ((encoded = dnsPacket.encode(packet)).length > limit && (packet.answers?.length ?? 0) > 0) packet.answers!.pop();
  return encoded;
}

function payloadLimit(request: dnsPacket.DecodedPacket): number {
  const opt = request.additionals?.find((record): record is dnsPacket.OptAnswer => record.type === 'OPT');
  return opt === undefined ? CLASSIC_UDP_BYTES : Math.min(MAX_UDP_BYTES, Math.max(CLASSIC_UDP_BYTES, opt.udpPayloadSize));
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
