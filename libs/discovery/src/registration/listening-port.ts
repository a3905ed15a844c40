import { once } from 'node:events';
import type { Server } from 'node:net';

/**
 * The port `server` listens on, waiting for its 'listening' event if needed (Nest runs
 * `onApplicationBootstrap` before `listen()`). Resolves undefined if `signal` aborts first. @internal
 */
export async function listeningPort(server: Server, signal: AbortSignal): Promise<number | undefined> {
  if (!server.listening) {
    try {
      await once(server, 'listening', { signal });
    } catch {
      return undefined; // aborted: the app shut down before it listened
    }
  }
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : undefined;
}
