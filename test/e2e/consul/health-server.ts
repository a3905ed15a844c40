import { createServer, Server } from 'node:http';

/** A loopback HTTP server standing for a service instance: `/health` answers as `healthy` says, `/hello` greets. */
export interface HealthServer {
  readonly host: string;
  readonly port: number;
  healthy: boolean;
  close(): Promise<void>;
}

/** Listens on `host` (a 127.0.0.x address: the registry probes what is registered, so nothing else is used). */
export async function startHealthServer(host: string): Promise<HealthServer> {
  if (!/^127\.0\.0\.\d{1,3}$/.test(host)) throw new Error(`test instances listen on loopback addresses only, not ${host}`);
  const state = { healthy: true };
  const server: Server = createServer((request, response) => {
    if (request.url === '/health') response.writeHead(state.healthy ? 200 : 503).end(state.healthy ? 'ok' : 'down');
    else if (request.url === '/hello') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: host }));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host,
    port,
    get healthy() {
      return state.healthy;
    },
    set healthy(value: boolean) {
      state.healthy = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
