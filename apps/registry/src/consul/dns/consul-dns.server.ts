import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as dnsPacket from 'dns-packet';
import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { RegistryConfig } from '../../config';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../../registry.constants';
import { isRoutable } from '../../registry/instance.entity';
import { RegistryStore } from '../../store/registry-store.interface';
import { addressRecord, encodeResponse, RCODE, serviceRecords } from './consul-dns.answers';
import { DnsZone, parseDnsName } from './consul-dns.names';

/**
 * Consul-style DNS over UDP on `REGISTRY_DNS_PORT` (off when unset): A, AAAA and SRV records of a service's
 * routable instances, read from the store at each question, so DNS and the HTTP APIs never disagree.
 * A name in the domain that no instance carries is NXDOMAIN; one outside it is REFUSED (the registry
 * resolves nothing else).
 */
@Injectable()
export class ConsulDnsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ConsulDns');
  private socket: Socket | undefined;
  private readonly zone: DnsZone;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: Pick<RegistryStore, 'get'>,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {
    this.zone = { domain: config.dnsDomain, datacenter: config.consulDatacenter };
  }

  async onApplicationBootstrap(): Promise<void> {
    const { dnsPort, host } = this.config;
    if (dnsPort === undefined) return;
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.on('message', (message, remote) => void this.answer(message, remote));
    socket.on('error', (error) => this.logger.error(`DNS socket error: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(dnsPort, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
    const bound = socket.address();
    this.logger.log(`Consul DNS listening on udp://${bound.address}:${bound.port} for .${this.zone.domain}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** The bound UDP port, when DNS is on. */
  get port(): number | undefined {
    return this.socket?.address().port;
  }

  private async answer(message: Buffer, remote: RemoteInfo): Promise<void> {
    let request: dnsPacket.DecodedPacket;
    try {
      request = dnsPacket.decode(message);
    } catch {
      return; // not DNS: nothing to answer to
    }
    let response: Buffer;
    try {
      response = await this.respond(request);
    } catch (error) {
      this.logger.warn(`DNS question failed: ${(error as Error).message}`);
      response = encodeResponse(request, RCODE.SERVFAIL);
    }
    this.socket?.send(response, remote.port, remote.address);
  }

  private async respond(request: dnsPacket.DecodedPacket): Promise<Buffer> {
    const question = request.questions?.[0];
    if (request.type !== 'query' || question === undefined || request.questions!.length !== 1) return encodeResponse(request, RCODE.FORMERR);
    const query = parseDnsName(question.name, this.zone);
    switch (query.kind) {
      case 'foreign':
        return encodeResponse(request, RCODE.REFUSED);
      case 'unknown':
        return encodeResponse(request, RCODE.NXDOMAIN);
      case 'addr': {
        const fits = (question.type === 'AAAA') === isIPv6(query.address) || (question.type as string) === 'ANY';
        return encodeResponse(request, RCODE.NOERROR, { answers: fits ? [addressRecord(question.name, query.address)] : [] });
      }
      case 'service': {
        const instances = await this.store.get(query.service, query.tag);
        if (instances.length === 0) return encodeResponse(request, RCODE.NXDOMAIN);
        return encodeResponse(request, RCODE.NOERROR, serviceRecords(question, instances.filter(isRoutable), this.zone));
      }
    }
  }
}
