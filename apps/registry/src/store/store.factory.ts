import { Clock } from '../clock';
import { RegistryConfig } from '../config';
import { EtcdRegistryStore } from './etcd.store';
import { MemoryRegistryStore } from './memory.store';
import { RedisRegistryStore } from './redis.store';
import { RegistryStore } from './registry-store.interface';

/**
 * Builds and connects the store `config.store` names. A remote store that cannot be reached rejects
 * with a message naming it, so the registry fails at start instead of serving errors.
 */
export async function createRegistryStore(config: RegistryConfig, clock: Clock): Promise<RegistryStore> {
  const location = config.store;
  switch (location.kind) {
    case 'memory':
      return new MemoryRegistryStore(clock);
    case 'redis':
      // Held evictions must outlive their own keys' safety-net expiry for as long as a hold can last.
      return RedisRegistryStore.connect(location, {
        prefix: config.storePrefix,
        clock,
        evictionHoldMaxMs: config.selfPreservationMaxSeconds * 1000,
      });
    case 'etcd':
      return EtcdRegistryStore.connect(location, { prefix: config.storePrefix, clock });
  }
}
