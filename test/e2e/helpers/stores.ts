import { parseStoreLocation, StoreLocation } from '../../../apps/registry/src/store/store-location';
import { INSTALL_HINT, RemoteStoreKind } from './store-servers';

/** A store a registry suite runs against. */
export interface StoreUnderTest {
  kind: 'memory' | RemoteStoreKind;
  location: StoreLocation;
  /** The `REGISTRY_STORE` value (for spawned registries). */
  env: string;
}

export const MEMORY_STORE: StoreUnderTest = { kind: 'memory', location: { kind: 'memory' }, env: 'memory' };

/**
 * The Redis or etcd server global-setup started, or why there is none. Servers are shared by every
 * suite; each registry gets its own key prefix, so suites never see each other's state.
 */
export function remoteStore(kind: RemoteStoreKind): StoreUnderTest | { missing: string } {
  const info = JSON.parse(process.env.TEST_STORE_SERVERS ?? '{}') as Record<string, { url?: string; missing?: string }>;
  const entry = info[kind];
  if (entry?.url) return { kind, location: parseStoreLocation(entry.url), env: entry.url };
  return { missing: entry?.missing ?? `no ${kind} server was started (run the e2e project, whose global setup starts one)` };
}

const warned = new Set<string>();

/**
 * Declares `body` once per store: memory always; Redis and etcd when their servers run. A missing server
 * skips its copy with a message saying how to install it — except under CI (`CI` set), where it fails, so
 * CI can never pass by silently skipping the store tests.
 */
export function describeStores(
  title: string,
  body: (store: StoreUnderTest) => void,
  kinds: readonly StoreUnderTest['kind'][] = ['memory', 'redis', 'etcd'],
): void {
  for (const kind of kinds) {
    const store = kind === 'memory' ? MEMORY_STORE : remoteStore(kind);
    if (!('missing' in store)) {
      describe(`${title} [${kind}]`, () => body(store));
    } else if (process.env.CI) {
      describe(`${title} [${kind}]`, () => {
        it(`needs a running ${kind} server`, () => {
          throw new Error(`${store.missing}. CI must run the store suites: .ci/run installs the servers.`);
        });
      });
    } else {
      if (!warned.has(kind)) {
        warned.add(kind);
        process.stderr.write(`\n[e2e] ${kind} suites skipped: ${store.missing}. To run them: ${INSTALL_HINT}\n`);
      }
      describe(`${title} [${kind}]`, () => {
        it.skip(`skipped: ${store.missing} — run \`${INSTALL_HINT}\` to include them`, () => undefined);
      });
    }
  }
}

/** A key prefix no other registry in this test run uses. */
export function uniquePrefix(): string {
  return `t${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
