/* Test fixtures for the call path's specs. Not part of the library. @internal */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ResolvedDiscoveryOptions } from '../../interfaces/discovery-options.interface';
import { ServiceInstance } from '../../interfaces/service-instance.interface';
import { StrategyRegistry } from '../../load-balancing/strategy.registry';
import { InstanceSource } from '../../resolution/instance-source.interface';
import { OutlierEjection } from '../../resilience/outlier-ejection';
import { HttpTransport } from '../http-transport.interface';
import { ServiceClient } from '../service-client';
import { UndiciTransport } from '../undici.transport';

export function instance(id: string, port = 1, extra: Partial<ServiceInstance> = {}): ServiceInstance {
  return {
    id,
    name: extra.name ?? 'svc',
    host: '127.0.0.1',
    port,
    protocol: 'http',
    tags: [],
    metadata: {},
    weight: 1,
    ttlSeconds: 30,
    status: 'passing',
    enabled: true,
    registeredAt: new Date(0).toISOString(),
    lastHeartbeat: new Date(0).toISOString(),
    ...extra,
  };
}

export function config(overrides: Partial<ResolvedDiscoveryOptions> = {}): ResolvedDiscoveryOptions {
  return {
    name: undefined,
    register: false,
    host: '127.0.0.1',
    port: undefined,
    protocol: 'http',
    instanceId: undefined,
    tags: [],
    metadata: {},
    weight: 1,
    ttlSeconds: 30,
    heartbeatIntervalMs: 10_000,
    urls: ['http://127.0.0.1:1'],
    token: undefined,
    readToken: undefined,
    zone: undefined,
    loadBalancing: 'round-robin',
    timeoutMs: 2000,
    retries: 2,
    retryBackoffMs: 1,
    outlierEjection: { consecutiveFailures: 5, cooldownMs: 10_000 },
    watch: false,
    transport: 'undici',
    connectionsPerInstance: 32,
    grpc: { deadlineMs: 2000, interceptors: [], channelOptions: {}, credentials: undefined },
    http: { interceptors: [] },
    tcp: { connectionsPerInstance: 2 },
    // Generous: the specs of retries are not about the budget (retry-budget.spec.ts is).
    retryBudget: { ratio: 1, minPerSecond: 1000, windowSeconds: 10 },
    metrics: true,
    check: false,
    drainTimeoutMs: 0,
    drainGraceMs: 0,
    tls: undefined,
    ...overrides,
  };
}

/** An InstanceSource whose contents the test sets directly. */
export class StaticSource implements InstanceSource {
  readonly services = new Map<string, ServiceInstance[]>();

  set(service: string, instances: ServiceInstance[]): this {
    this.services.set(service, instances);
    return this;
  }

  async instances(service: string): Promise<readonly ServiceInstance[]> {
    return this.services.get(service) ?? [];
  }
}

export interface TestClient {
  client: ServiceClient;
  transport: HttpTransport;
  ejection: OutlierEjection;
  close(): Promise<void>;
}

export function makeClient(source: InstanceSource, overrides: Partial<ResolvedDiscoveryOptions> = {}): TestClient {
  const cfg = config(overrides);
  const transport = new UndiciTransport({ connections: 8 });
  const ejection = new OutlierEjection(cfg.outlierEjection);
  const client = new ServiceClient(cfg, source, transport, ejection, new StrategyRegistry());
  return { client, transport, ejection, close: () => transport.close() };
}

export interface TestServer {
  port: number;
  /** Requests seen, as `METHOD url`. */
  hits: string[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real HTTP server on a free port. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
