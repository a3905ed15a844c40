// Before the e2e suites: make dist/ match the sources (they spawn the built apps), and start one Redis
// and one etcd server on loopback for the store-parameterised suites (see stores.ts).
import { buildIfStale } from '../../../scripts/build-if-stale';
import { findStoreBinary, RemoteStoreKind, startStoreServer, StoreServer } from './store-servers';

/** What the suites read from `process.env.TEST_STORE_SERVERS`: a URL per kind, or why there is none. */
export type StoreServersInfo = Partial<Record<RemoteStoreKind, { url: string } | { missing: string }>>;

const started: StoreServer[] = [];

export default async function globalSetup(): Promise<void> {
  buildIfStale((line: string) => process.stdout.write(`\n[e2e] ${line}\n`));
  const info: StoreServersInfo = {};
  for (const kind of ['redis', 'etcd'] as const) {
    if (findStoreBinary(kind) === undefined) {
      info[kind] = { missing: `${kind === 'redis' ? 'redis-server' : 'etcd'} is not on PATH` };
      continue;
    }
    try {
      const server = await startStoreServer(kind);
      started.push(server);
      info[kind] = { url: server.url };
    } catch (error) {
      info[kind] = { missing: `${kind} did not start: ${(error as Error).message}` };
    }
  }
  // Workers are forked after this, with this environment.
  process.env.TEST_STORE_SERVERS = JSON.stringify(info);
  (globalThis as { __storeServers?: StoreServer[] }).__storeServers = started;
}
