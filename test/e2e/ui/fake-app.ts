import { loadPackageDefinition, Server, ServerCredentials, ServerUnaryCall, sendUnaryData, ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createServer, Server as HttpServer } from 'node:http';
import { protoFile } from '@nest-discovery/discovery/grpc';

/** What the fake's gRPC server answers to grpc.health.v1 `Check`. */
export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export interface FakeAppOptions {
  /** A loopback address (127.0.0.x): the registry probes what is registered, so nothing else is ever used. */
  host?: string;
  /** Ports to try first (a fixed port makes a picture read well); taken ones fall back to a free port. */
  httpPort?: number;
  grpcPort?: number;
  grpcStatus?: ServingStatus;
}

/** The listeners of a running app as the registry's checks see them, without the app. */
export interface FakeApp {
  host: string;
  /** `GET /health` answers 200. */
  httpPort: number;
  /** grpc.health.v1 `Check` answers `grpcStatus`. */
  grpcPort: number;
  close(): Promise<void>;
}

/** An HTTP /health and a gRPC health server at a loopback address, for instances registered by hand. */
export async function startFakeApp(options: FakeAppOptions = {}): Promise<FakeApp> {
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.0\.0\.\d{1,3}$/.test(host)) throw new Error(`fake apps listen on loopback addresses only, not ${host}`);
  const http = createServer((request, response) => {
    response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
  });
  const httpPort = await listenHttp(http, host, options.httpPort);
  const grpc = new Server();
  const status = options.grpcStatus ?? 'SERVING';
  grpc.addService(healthService(), {
    Check: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<{ status: ServingStatus }>) => callback(null, { status }),
  });
  const grpcPort = await bindGrpc(grpc, host, options.grpcPort);
  return {
    host,
    httpPort,
    grpcPort,
    close: async () => {
      grpc.forceShutdown();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

function healthService(): ServiceDefinition {
  const definition = loadSync(protoFile('health.proto'), { keepCase: true, enums: String, defaults: true });
  const loaded = loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: { service: ServiceDefinition } } } };
  };
  return loaded.grpc.health.v1.Health.service;
}

async function listenHttp(server: HttpServer, host: string, preferred?: number): Promise<number> {
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  if (preferred === undefined) return listen(0);
  return listen(preferred).catch(() => listen(0));
}

async function bindGrpc(server: Server, host: string, preferred?: number): Promise<number> {
  const bind = (port: number): Promise<number> =>
    new Promise((resolve, reject) =>
      server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
  if (preferred === undefined) return bind(0);
  return bind(preferred).catch(() => bind(0));
}
