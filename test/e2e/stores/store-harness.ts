import { systemClock } from '../../../apps/registry/src/clock';
import { resolveRegistryConfig } from '../../../apps/registry/src/config';
import { InstanceRegistration } from '../../../apps/registry/src/registry/instance.entity';
import { RegistryStore } from '../../../apps/registry/src/store/registry-store.interface';
import { createRegistryStore } from '../../../apps/registry/src/store/store.factory';
import { StoreUnderTest } from '../helpers/stores';

/** A registration as the API hands it to a store (defaults applied), `calc-1` of `calc` unless overridden. */
export const registration = (overrides: Partial<InstanceRegistration> = {}): InstanceRegistration => ({
  id: 'calc-1',
  name: 'calc',
  host: '127.0.0.1',
  port: 8080,
  protocol: 'http',
  tags: [],
  metadata: {},
  weight: 2,
  ttlSeconds: 60,
  ...overrides,
});

/**
 * Stores of one kind opened straight through the factory, with no registry around them; on Redis and etcd
 * two stores on one prefix are two replicas. `closeAll()` in afterEach.
 */
export function storeOpener(kind: StoreUnderTest): {
  open(prefix: string): Promise<RegistryStore>;
  closeAll(): Promise<void>;
} {
  const opened: RegistryStore[] = [];
  return {
    async open(prefix) {
      const store = await createRegistryStore(resolveRegistryConfig({ store: kind.location, storePrefix: prefix }), systemClock);
      opened.push(store);
      return store;
    },
    async closeAll() {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    },
  };
}
