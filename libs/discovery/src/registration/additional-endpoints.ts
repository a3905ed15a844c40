import { ResolvedHealthCheck } from '../interfaces/discovery-options.interface';
import { AdditionalEndpoint } from './additional-endpoint.interface';
import { endpointCheckBody } from './health-check.body';
import { HealthCheckBody, RegisterBody } from './registry-api.interface';
import { RegisteredEndpoint } from './registration-state.interface';

interface Entry {
  readonly endpoint: AdditionalEndpoint;
  readonly check: HealthCheckBody | undefined;
  /** Registered at least once, so it is announced once and removed on shutdown. */
  registered: boolean;
}

/**
 * The endpoints registered beside the main one (`RegistrationService.addEndpoint`): each one's
 * registration body is the main body with its own id, protocol, port and metadata. @internal
 */
export class AdditionalEndpoints implements Iterable<Entry> {
  private readonly entries: Entry[] = [];

  /** @param mainCheck the main endpoint's check, whose interval and thresholds each endpoint's check inherits. */
  constructor(private readonly mainCheck: ResolvedHealthCheck | false) {}

  add(endpoint: AdditionalEndpoint): void {
    if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) {
      throw new RangeError(`addEndpoint: port must be an integer between 1 and 65535, got ${endpoint.port}`);
    }
    // Resolved here so a bad check fails the addEndpoint call, not every renewal.
    const check = endpointCheckBody(this.mainCheck, endpoint);
    this.entries.push({ endpoint: { ...endpoint, metadata: endpoint.metadata && { ...endpoint.metadata } }, check, registered: false });
  }

  [Symbol.iterator](): Iterator<Entry> {
    return this.entries[Symbol.iterator]();
  }

  /** `<main id><idSuffix>`, the suffix defaulting to `-<protocol>`. */
  idOf(endpoint: AdditionalEndpoint, mainId: string): string {
    return `${mainId}${endpoint.idSuffix ?? `-${endpoint.protocol}`}`;
  }

  body(entry: Entry, main: RegisterBody, mainId: string): RegisterBody {
    const { endpoint, check } = entry;
    const { check: _mainCheck, ...shared } = main;
    return {
      ...shared,
      id: this.idOf(endpoint, mainId),
      protocol: endpoint.protocol,
      port: endpoint.port,
      metadata: endpoint.metadata ? { ...main.metadata, ...endpoint.metadata } : main.metadata,
      ...(check && { check }),
    };
  }

  /** Ids to deregister on shutdown: those registered at least once. */
  registeredIds(mainId: string): string[] {
    return this.entries.filter((entry) => entry.registered).map((entry) => this.idOf(entry.endpoint, mainId));
  }

  state(mainId: string | undefined): RegisteredEndpoint[] {
    return this.entries.map(({ endpoint }) => ({
      id: mainId === undefined ? undefined : this.idOf(endpoint, mainId),
      protocol: endpoint.protocol,
      port: endpoint.port,
    }));
  }
}
