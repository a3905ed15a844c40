import { ENDPOINT_NAME_PATTERN, ENDPOINT_PROTOCOLS, MAX_ENDPOINTS } from '@nest-discovery/registry-api';
import { ResolvedHealthCheck } from '../interfaces/discovery-options.interface';
import { EndpointProtocol } from '../interfaces/service-instance.interface';
import { endpointCheckBody } from './health-check.body';
import { NamedEndpoint } from './named-endpoint.interface';
import { EndpointBody } from './registry-api.interface';
import { RegisteredEndpoint } from './registration-state.interface';

// The registry's limits, checked here too so a bad endpoint fails `addEndpoint`, not every renewal.

interface Entry {
  readonly name: string;
  readonly protocol: EndpointProtocol;
  readonly port: number;
  /** What the registration sends; its identity tells which version of the endpoint a renewal carried. */
  readonly body: EndpointBody;
  /** Part of a registration the registry accepted, so its first one is logged once. */
  registered: boolean;
}

/**
 * The app's named endpoints (`RegistrationService.addEndpoint`), sent as the `endpoints` map of its
 * one registration. @internal
 */
export class NamedEndpoints {
  private readonly entries = new Map<string, Entry>();

  /** @param mainCheck the main check, whose interval and thresholds each endpoint's check inherits. */
  constructor(private readonly mainCheck: ResolvedHealthCheck | false) {}

  /** Adds an endpoint, or replaces the one of that name (a listener that moved to another port). */
  add(endpoint: NamedEndpoint): void {
    const { protocol, port } = endpoint;
    const name = endpoint.name ?? protocol;
    if (!ENDPOINT_PROTOCOLS.includes(protocol)) {
      throw new RangeError(`addEndpoint: protocol must be one of ${ENDPOINT_PROTOCOLS.join(', ')}, got ${JSON.stringify(protocol)}`);
    }
    if (!ENDPOINT_NAME_PATTERN.test(name)) {
      throw new RangeError(`addEndpoint: name must match ${ENDPOINT_NAME_PATTERN.source}, got ${JSON.stringify(name)}`);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`addEndpoint: port must be an integer between 1 and 65535, got ${port}`);
    }
    if (!this.entries.has(name) && this.entries.size >= MAX_ENDPOINTS) {
      throw new RangeError(`addEndpoint: at most ${MAX_ENDPOINTS} endpoints, cannot add "${name}"`);
    }
    const check = endpointCheckBody(this.mainCheck, endpoint);
    this.entries.set(name, { name, protocol, port, body: { port, protocol, ...(check && { check }) }, registered: false });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The register body's `endpoints`; undefined when there are none, so older registries see no new field. */
  body(): Record<string, EndpointBody> | undefined {
    if (this.entries.size === 0) return undefined;
    const endpoints: Record<string, EndpointBody> = {};
    for (const { name, body } of this.entries.values()) endpoints[name] = body;
    return endpoints;
  }

  /**
   * Marks the endpoints a registration the registry accepted carried (`sent`, from {@link body}) as
   * registered, and returns those registered for the first time, one log line each. One added or
   * replaced while that registration was in flight waits for the next.
   */
  markRegistered(sent: Record<string, EndpointBody> | undefined): RegisteredEndpoint[] {
    const fresh: RegisteredEndpoint[] = [];
    for (const name in sent) {
      const entry = this.entries.get(name);
      if (entry === undefined || entry.registered || entry.body !== sent[name]) continue;
      entry.registered = true;
      fresh.push(publicView(entry));
    }
    return fresh;
  }

  state(): RegisteredEndpoint[] {
    return [...this.entries.values()].map(publicView);
  }
}

function publicView({ name, protocol, port }: Entry): RegisteredEndpoint {
  return { name, protocol, port };
}
