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
import { Server as TlsServer } from 'node:tls';
import { DISCOVERY_CONFIG } from '../discovery.constants';
import {
  CHECK_FALLBACK_TCP,
  DEREGISTER_FAILED,
  DEREGISTERED,
  ENDPOINT_REGISTERED,
  NO_HTTP_SERVER,
  REGISTERED,
  REGISTERED_AGAIN,
  REGISTRY_UNREACHABLE,
} from '../discovery.messages';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import { InstanceProtocol } from '../interfaces/service-instance.interface';
import { InstanceCache } from '../resolution/instance-cache';
import { GracefulDrain } from './graceful-drain';
import { mainCheckBody } from './health-check.body';
import { HeartbeatService } from './heartbeat.service';
import { InFlightRequests } from './in-flight-requests';
import { listeningPort } from './listening-port';
import { NamedEndpoint } from './named-endpoint.interface';
import { NamedEndpoints } from './named-endpoints';
import { HealthCheckBody, RegisterBody, RegisterResult } from './registry-api.interface';
import { RegistryHttpClient } from './registry-http.client';
import { RegistrySession } from './registry-session';
import { RegistrationState } from './registration-state.interface';

/** Shutdown must never hang on a dead registry: past this, the TTL cleans up instead. */
const DEREGISTER_TIMEOUT_MS = 1500;

/**
 * Registers this app with the registry once its HTTP server listens, keeps the registration alive
 * (see {@link HeartbeatService}) and removes it on shutdown (`app.enableShutdownHooks()` or
 * `app.close()`). The app is one instance: one registration, one id, its HTTP address as the
 * primary one and its other listeners (a gRPC server, added with {@link addEndpoint}) as named
 * endpoints of it. Every renewal carries the full instance, endpoints and health checks included,
 * so a registry that lost its state simply registers the instance again, under the same id. Once
 * registered it holds a session with the registry (see `RegistrySession`), so a crash is noticed at
 * once. Does nothing with `register: false`.
 *
 * A graceful stop drains before it deregisters (see `GracefulDrain`), then closes the session: it
 * runs in `beforeApplicationShutdown`, while the HTTP server still serves, because Nest closes the
 * server right after that hook; the clients' connection pools and watch are closed after the server,
 * in `onApplicationShutdown`, so requests still being served can call other services.
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
  /** What the instance registers as: `https` when the app's server speaks TLS and no protocol was set. */
  private protocol: InstanceProtocol;
  private lastRenewalAt: Date | undefined;
  private lastError: string | undefined;
  private failing = false;
  private deregistered = false;
  private started = false;
  private announced = false;
  private readonly endpoints: NamedEndpoints;
  /** The main endpoint's check, settled once the app's routes are known. */
  private check: HealthCheckBody | undefined;

  constructor(
    @Inject(DISCOVERY_CONFIG) private readonly config: ResolvedDiscoveryOptions,
    private readonly registry: RegistryHttpClient,
    private readonly cache: InstanceCache,
    private readonly heartbeat: HeartbeatService,
    private readonly drain: GracefulDrain,
    private readonly inFlight: InFlightRequests,
    private readonly session: RegistrySession,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.instanceId = config.instanceId;
    this.port = config.port;
    this.protocol = config.protocol;
    this.endpoints = new NamedEndpoints(config.check);
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
      endpoints: this.endpoints.state(),
      stopping: this.stopping.signal.aborted,
    };
  }

  /**
   * Adds a named endpoint to this app's instance (e.g. its gRPC server, `endpoints.grpc`): reached at
   * the instance's host on its own port, with its own health check (grpc.health.v1 for gRPC, a TCP
   * connect otherwise; see {@link NamedEndpoint.check}). Call it once the listener is bound, with the
   * port it got; if the app is already registered, the registration is renewed at once. Adding a
   * name again replaces that endpoint. Throws on a bad name, port or check.
   *
   * @example
   * registration.addEndpoint({ protocol: 'grpc', port: grpcServer.port });
   */
  addEndpoint(endpoint: NamedEndpoint): void {
    this.endpoints.add(endpoint);
    // Already heartbeating: renew now rather than a heartbeat later.
    if (this.started && !this.stopping.signal.aborted) this.heartbeat.start(() => this.renew());
  }

  onApplicationBootstrap(): void {
    if (!this.config.register) return;
    const server = this.httpServer();
    // Counted from the first request on, so a graceful stop knows what it waits for.
    if (server) this.inFlight.track(server);
    // Not awaited: under app.listen() the server starts listening only after bootstrap.
    void this.start(server);
  }

  /**
   * The graceful stop: no more renewals (one could re-register a drained instance), drain (disabled at
   * the registry, a propagation grace, in-flight requests finished — bounded by `drainTimeoutMs`),
   * then deregister, then close the session. Each registry call is bounded, so a dead registry delays
   * shutdown by at most a few seconds; the TTL removes what could not be deregistered.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.register) return;
    this.stopping.abort();
    await this.heartbeat.stop();
    const id = this.instanceId;
    const name = this.config.name;
    if (id !== undefined && this.lastRenewalAt !== undefined && name) {
      await this.drain.run(name, id);
      this.deregistered = true;
      try {
        await this.registry.deregister(name, id, DEREGISTER_TIMEOUT_MS);
        this.logger.log(DEREGISTERED(id));
      } catch (error) {
        this.logger.warn(DEREGISTER_FAILED(id, message(error)));
      }
    }
    // Only now: a session that ends while the instance is still registered reads as a crash.
    await this.session.close();
  }

  /**
   * One registration or renewal attempt; rejects when it failed (the heartbeat then backs off).
   * @internal
   */
  async renew(): Promise<void> {
    try {
      const body = this.body();
      // A watching client learns every change through its watch: its registrations need not carry the
      // registry (under a fleet's restart that would cost every registration the whole registry).
      const result = await this.registry.register(body, this.cache.revision, !this.config.watch);
      const { name, id } = result.instance;
      this.instanceId = id;
      this.absorb(result);
      this.lastRenewalAt = new Date();
      if (!this.announced) {
        this.announced = true;
        this.logger.log(REGISTERED(name, id, this.address(this.protocol, this.port)));
      } else if (this.failing || result.status === 201) {
        // 201 on a renewal: the registry had lost us (restart without state) and took us back.
        this.logger.log(REGISTERED_AGAIN(id));
      }
      for (const endpoint of this.endpoints.markRegistered(body.endpoints)) {
        this.logger.log(ENDPOINT_REGISTERED(id, endpoint.name, this.address(endpoint.protocol, endpoint.port)));
      }
      this.lastError = undefined;
      this.failing = false;
      // A no-op while it is open; not once a graceful stop began, which closes it.
      if (!this.stopping.signal.aborted) this.session.open(name, id);
    } catch (error) {
      this.lastError = message(error);
      if (!this.failing) this.logger.warn(REGISTRY_UNREACHABLE(this.lastError));
      this.failing = true;
      throw error;
    }
  }

  private async start(server: Server | undefined): Promise<void> {
    // An app serving HTTPS (an https.Server is a tls.Server) is called over TLS, whatever the default said.
    if (this.config.protocol === 'http' && server instanceof TlsServer) this.protocol = 'https';
    if (this.port === undefined) {
      if (!server) {
        this.logger.warn(NO_HTTP_SERVER());
        return;
      }
      this.port = await listeningPort(server, this.stopping.signal);
    }
    if (this.port === undefined || this.stopping.signal.aborted) return;
    // Routes are all registered by now (Nest registers them before bootstrap).
    this.check = mainCheckBody(this.config.check, (path) => this.servesGet(path));
    if (this.config.check && this.config.check.type === 'http' && this.check?.type === 'tcp') {
      this.logger.warn(CHECK_FALLBACK_TCP(this.config.check.path as string));
    }
    this.started = true;
    this.heartbeat.start(() => this.renew());
  }

  private httpServer(): Server | undefined {
    return this.adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
  }

  /** Whether the app has a `GET path` route; undefined when the adapter cannot tell (only Fastify can). */
  private servesGet(path: string): boolean | undefined {
    const instance: unknown = this.adapterHost?.httpAdapter?.getInstance?.();
    const hasRoute = (instance as { hasRoute?: (route: { method: string; url: string }) => boolean } | undefined)?.hasRoute;
    return typeof hasRoute === 'function' ? hasRoute.call(instance, { method: 'GET', url: path }) : undefined;
  }

  private absorb(result: RegisterResult): void {
    if (result.services) this.cache.applySnapshot(result.revision, result.services);
    else this.cache.confirm(result.revision);
  }

  private address(protocol: string, port: number | undefined): string {
    return `${protocol}://${this.config.host}:${port}`;
  }

  private body(): RegisterBody {
    const { name, host, tags, metadata, weight, ttlSeconds, zone } = this.config;
    const protocol = this.protocol;
    const endpoints = this.endpoints.body();
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
      ...(this.check && { check: this.check }),
      ...(endpoints && { endpoints }),
    };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
