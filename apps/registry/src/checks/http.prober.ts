import { tlsClientOptions } from '@nest-discovery/registry-api';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import type { RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../registry.constants';
import { HealthCheck } from '../registry/instance.entity';
import { HealthProber, ProbeResult, ProbeTarget } from './health-prober.interface';
import { authority, probeFailure } from './probe-failure';

const USER_AGENT = 'nest-discovery-registry/health-check';

/**
 * `http` checks: `GET <http|https>://host:port<path>`; any 2xx or 3xx passes (a redirect is not followed:
 * it would lead away from the instance). The body is thrown away unread. An `https` instance's certificate
 * is verified against `REGISTRY_TLS_CA` (else Node's default roots), and the registry presents its own
 * certificate (`REGISTRY_TLS_CERT`) to instances that require a client certificate.
 */
@Injectable()
export class HttpProber implements HealthProber, OnApplicationShutdown {
  // Its own agent, so probes neither queue behind nor hold connections of anything else in the process.
  private readonly agent: Agent;

  constructor(@Inject(REGISTRY_CONFIG) config: Pick<RegistryConfig, 'tls'>) {
    const connect = config.tls && tlsClientOptions(config.tls);
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 4, ...(connect && { connect }) });
  }

  async probe(target: ProbeTarget, check: HealthCheck, signal: AbortSignal): Promise<ProbeResult> {
    try {
      const response = await request(probeUrl(target, check.path ?? '/health'), {
        method: 'GET',
        headers: { 'user-agent': USER_AGENT, accept: '*/*' },
        dispatcher: this.agent,
        signal,
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 400;
      return { ok, output: `HTTP ${response.statusCode}` };
    } catch (error) {
      return probeFailure(error, check, signal);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }
}

/**
 * The probe's URL, put together from the instance's own host and port and the check's path. Never
 * `new URL(path, base)`: a path like `//other.host/` would replace the host (the DTO rejects those, and
 * this keeps a stored one harmless too).
 */
export function probeUrl(target: ProbeTarget, path: string): string {
  const scheme = target.protocol === 'https' ? 'https' : 'http';
  return `${scheme}://${authority(target.host, target.port)}${path.startsWith('/') ? path : `/${path}`}`;
}
