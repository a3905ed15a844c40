import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { createServer, Server, Socket } from 'node:net';
import { DiscoveryTcpServer, DiscoveryTcpServerOptions } from '../tcp-server.transport';

/** A fast-lane server on a free loopback port, with `handlers` by pattern (no Nest container). @internal */
export async function startTcpServer(
  handlers: Record<string, (data: unknown, ctx: unknown) => unknown>,
  options: Partial<DiscoveryTcpServerOptions> = {},
): Promise<DiscoveryTcpServer> {
  const server = new DiscoveryTcpServer({ host: '127.0.0.1', port: 0, ...options });
  // Nest's RPC proxy makes every handler async; so do these.
  for (const [pattern, handler] of Object.entries(handlers)) {
    server.addHandler(pattern, (async (data: unknown, ctx: unknown) => handler(data, ctx)) as MessageHandler);
  }
  await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
  return server;
}

/** A raw TCP server on a free loopback port that hands every socket to `onSocket` (misbehaving peers). @internal */
export async function startRawServer(onSocket: (socket: Socket) => void): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (a listener opened and closed). @internal */
export async function refusedPort(): Promise<number> {
  const raw = await startRawServer(() => undefined);
  await raw.close();
  return raw.port;
}

/** Resolves after `ms`; for handlers that must stay in flight for a while. @internal */
export const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

Logger.overrideLogger(false);
