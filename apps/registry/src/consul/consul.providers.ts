import { Provider, Type } from '@nestjs/common';
import { ConsulAgentController } from './consul-agent.controller';
import { ConsulCatalogController } from './consul-catalog.controller';
import { ConsulAgent } from './consul.agent';
import { ConsulBlocking } from './consul.blocking';
import { ConsulIndex } from './consul.index';
import { ConsulDnsServer } from './dns/consul-dns.server';

/** The Consul HTTP API under `/v1/`, on the registry's own port. */
export const CONSUL_CONTROLLERS: Type[] = [ConsulAgentController, ConsulCatalogController];

/** What the Consul API and DNS run on (the DNS server listens only when `REGISTRY_DNS_PORT` is set). */
export const CONSUL_PROVIDERS: Provider[] = [ConsulIndex, ConsulBlocking, ConsulAgent, ConsulDnsServer];
