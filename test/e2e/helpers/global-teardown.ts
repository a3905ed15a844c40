import { StoreServer } from './store-servers';

/** Stops the servers global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { __storeServers?: StoreServer[] }).__storeServers ?? [];
  await Promise.all(servers.map((server) => server.stop()));
}
