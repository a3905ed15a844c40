import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:net';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import {
  DEREGISTER_FAILED,
  DEREGISTERED,
  NO_HTTP_SERVER,
  REGISTERED,
  REGISTERED_AGAIN,
  REGISTRY_UNREACHABLE,
} from '../discovery.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { InstanceCache } from '../resolution/instance-cache';
import { AdditionalEndpoint } from './additional-endpoint.interface';
import { AdditionalEndpoints } from './additional-endpoints';
import { HeartbeatService } from './heartbeat.service';
import { listeningPort } from './listening-port';
import { RegisterBody, RegisterResult } from './registry-api.interface';
import { RegistryHttpClient } from './registry-http.client';
import { RegistrationState } from './registration-state.interface';

/** Shutdown must never hang on a dead registry: past this, the TTL cleans up instead. */
const DEREGISTER_TIMEOUT_MS = 1500;

/**
 * Registers this app with the registry once its HTTP server listens, keeps the registration alive
 * (see {@link HeartbeatService}) and removes it on shutdown (`app.enableShutdownHooks()` or
 * `app.close()`). Every renewal carries the full instance, so a registry that lost its state simply
 * registers the instance again, under the same id. Extra endpoints (a gRPC server) added with
 * {@link addEndpoint} are registered, renewed and removed beside the main one. Does nothing with
 * `register: false`.
 *
 * @example
 * const { registered, instanceId } = app.get(RegistrationService).state();
 */
@Injectable()
export class RegistrationService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Discovery');
  private readonly stopping = new AbortController();
  private instanceId: string | undefined;
  private port: number | undefined;
  private lastRenewalAt: Date | undefined;
  private lastError: string | undefined;
  private failing = false;
  private deregistered = false;
  private started = false;
  private announced = false;
  private readonly endpoints = new AdditionalEndpoints();

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly registry: RegistryHttpClient,
    private readonly cache: InstanceCache,
    private readonly heartbeat: HeartbeatService,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.instanceId = config.instanceId;
    this.port = config.port;
  }

  /** A snapshot of the registration's state. `registered` stays true for a TTL after the last success. */
  state(): RegistrationState {
    const fresh =
      this.lastRenewalAt !== undefined && Date.now() - this.lastRenewalAt.getTime() < this.config.ttlSeconds * 1000;
    return {
      enabled: this.config.register,
      registered: this.config.register && fresh && !this.deregistered,
      name: this.config.name,
      instanceId: this.instanceId,
      host: this.config.host,
      port: this.port,
      lastRenewalAt: this.lastRenewalAt,
      lastError: this.lastError,
      endpoints: this.endpoints.state(this.instanceId),
    };
  }

  /**
   * Registers a second endpoint of this app (e.g. its gRPC server) beside the main one: same name,
   * host, tags, weight and TTL; its own protocol and port; id `<main id><idSuffix>`. Call it once the
   * endpoint listens; if registration is already running, it is registered at once.
   */
  addEndpoint(endpoint: AdditionalEndpoint): void {
    this.endpoints.add(endpoint);
    // Already heartbeating: renew now rather than a heartbeat later.
    if (this.started && !this.stopping.signal.aborted) this.heartbeat.start(() => this.renew());
  }

  onApplicationBootstrap(): void {
    // Not awaited: under app.listen() the server starts listening only after bootstrap.
    if (this.config.register) void this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.register) return;
    this.stopping.abort();
    await this.heartbeat.stop();
    const id = this.instanceId;
    const name = this.config.name;
    if (id === undefined || this.lastRenewalAt === undefined || !name) return;
    this.deregistered = true;
    const ids = [id, ...this.endpoints.registeredIds(id)];
    await Promise.all(
      ids.map(async (each) => {
        try {
          await this.registry.deregister(name, each, DEREGISTER_TIMEOUT_MS);
          this.logger.log(DEREGISTERED(each));
        } catch (error) {
          this.logger.warn(DEREGISTER_FAILED(each, message(error)));
        }
      }),
    );
  }

  /**
   * One registration or renewal attempt; rejects when it failed (the heartbeat then backs off).
   * @internal
   */
  async renew(): Promise<void> {
    try {
      const main = this.body();
      const result = await this.registry.register(main, this.cache.revision);
      const id = (this.instanceId = result.instance.id);
      this.absorb(result);
      if (!this.announced) {
        this.announced = true;
        this.logger.log(REGISTERED(result.instance.name, id, this.address(this.config.protocol, this.port)));
      } else if (this.failing || result.status === 201) {
        // 201 on a renewal: the registry had lost us (restart without state) and took us back.
        this.logger.log(REGISTERED_AGAIN(id));
      }
      // One after the other, so the cache never takes an older revision after a newer one.
      for (const entry of this.endpoints) {
        const answer = await this.registry.register(this.endpoints.body(entry.endpoint, main, id), this.cache.revision);
        this.absorb(answer);
        if (!entry.registered) {
          entry.registered = true;
          this.logger.log(REGISTERED(answer.instance.name, answer.instance.id, this.address(entry.endpoint.protocol, entry.endpoint.port)));
        }
      }
      this.lastRenewalAt = new Date();
      this.lastError = undefined;
      this.failing = false;
    } catch (error) {
      this.lastError = message(error);
      if (!this.failing) this.logger.warn(REGISTRY_UNREACHABLE(this.lastError));
      this.failing = true;
      throw error;
    }
  }

  private async start(): Promise<void> {
    if (this.port === undefined) {
      const server = this.adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
      if (!server) {
        this.logger.warn(NO_HTTP_SERVER());
        return;
      }
      this.port = await listeningPort(server, this.stopping.signal);
    }
    if (this.port === undefined || this.stopping.signal.aborted) return;
    this.started = true;
    this.heartbeat.start(() => this.renew());
  }

  private absorb(result: RegisterResult): void {
    if (result.services) this.cache.applySnapshot(result.revision, result.services);
    else this.cache.confirm(result.revision);
  }

  private address(protocol: string, port: number | undefined): string {
    return `${protocol}://${this.config.host}:${port}`;
  }

  private body(): RegisterBody {
    const { name, host, protocol, tags, metadata, weight, ttlSeconds, zone } = this.config;
    return {
      ...(this.instanceId !== undefined && { id: this.instanceId }),
      name: name as string,
      host,
      port: this.port as number,
      protocol,
      tags,
      // Advertise the zone so zone-aware callers can prefer this instance.
      metadata: zone !== undefined && metadata.zone === undefined ? { ...metadata, zone } : metadata,
      weight,
      ttlSeconds,
    };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
