import { AdditionalEndpoint } from './additional-endpoint.interface';
import { RegisterBody } from './registry-api.interface';
import { RegisteredEndpoint } from './registration-state.interface';

interface Entry {
  readonly endpoint: AdditionalEndpoint;
  /** Registered at least once, so it is announced once and removed on shutdown. */
  registered: boolean;
}

/**
 * The endpoints registered beside the main one (`RegistrationService.addEndpoint`): each one's
 * registration body is the main body with its own id, protocol, port and metadata. @internal
 */
export class AdditionalEndpoints implements Iterable<Entry> {
  private readonly entries: Entry[] = [];

  add(endpoint: AdditionalEndpoint): void {
    if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) {
      throw new RangeError(`addEndpoint: port must be an integer between 1 and 65535, got ${endpoint.port}`);
    }
    this.entries.push({ endpoint: { ...endpoint, metadata: endpoint.metadata && { ...endpoint.metadata } }, registered: false });
  }

  [Symbol.iterator](): Iterator<Entry> {
    return this.entries[Symbol.iterator]();
  }

  /** `<main id><idSuffix>`, the suffix defaulting to `-<protocol>`. */
  idOf(endpoint: AdditionalEndpoint, mainId: string): string {
    return `${mainId}${endpoint.idSuffix ?? `-${endpoint.protocol}`}`;
  }

  body(endpoint: AdditionalEndpoint, main: RegisterBody, mainId: string): RegisterBody {
    return {
      ...main,
      id: this.idOf(endpoint, mainId),
      protocol: endpoint.protocol,
      port: endpoint.port,
      metadata: endpoint.metadata ? { ...main.metadata, ...endpoint.metadata } : main.metadata,
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
