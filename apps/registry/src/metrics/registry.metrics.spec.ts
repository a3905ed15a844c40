import { Test } from '@nestjs/testing';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryInstance } from '../registry/instance.entity';
import { MemoryRegistryStore } from '../store/memory.store';
import { RegistryStore } from '../store/registry-store.interface';
import { SubscriptionHub } from '../watch/subscription.hub';
import { WatchHub } from '../watch/watch.hub';
import { MetricsModule } from './metrics.module';
import { RegistryMetrics } from './registry.metrics';

/** The metrics module on its own: gauges read from whatever store and hub the app has. */
describe('RegistryMetrics', () => {
  async function boot(store: RegistryStore): Promise<RegistryMetrics> {
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule],
      providers: [{ provide: REGISTRY_STORE, useValue: store }, WatchHub, SubscriptionHub],
    }).compile();
    await moduleRef.init();
    return moduleRef.get(RegistryMetrics);
  }

  async function series(metrics: RegistryMetrics, name: string): Promise<Array<{ labels: object; value: number }>> {
    const all = await metrics.registry.getMetricsAsJSON();
    return all.find((metric) => metric.name === name)?.values ?? [];
  }

  it('counts instances by service, status and enabled, from the store at scrape time', async () => {
    const store = new MemoryRegistryStore();
    const metrics = await boot(store);
    const base = { host: '127.0.0.1', port: 1, protocol: 'http' as const, tags: [], metadata: {}, weight: 1, ttlSeconds: 30 };
    await store.upsert({ ...base, id: 'a-1', name: 'a' });
    await store.upsert({ ...base, id: 'a-2', name: 'a' });
    await store.upsert({ ...base, id: 'b-1', name: 'b' });
    expect(await series(metrics, 'registry_instances')).toEqual([
      { labels: { service: 'a', status: 'passing', enabled: 'true' }, value: 2 },
      { labels: { service: 'b', status: 'passing', enabled: 'true' }, value: 1 },
    ]);
    await store.deregister('b', 'b-1');
    expect(await series(metrics, 'registry_instances')).toEqual([
      { labels: { service: 'a', status: 'passing', enabled: 'true' }, value: 2 },
    ]);
  });

  it('still answers while the store cannot be reached: store_up 0, no instances gauge', async () => {
    const down = new MemoryRegistryStore();
    down.all = () => Promise.reject(new Error('connection refused'));
    down.status = async () => ({ kind: 'redis', reachable: false, error: 'connection refused' });
    const metrics = await boot(down);
    metrics.upserted({ name: 'a' } as RegistryInstance, true);
    const page = await metrics.registry.metrics();
    expect(page).toContain('registry_store_up 0');
    expect(page).toContain('registry_registrations_total{service="a"} 1');
    expect(await series(metrics, 'registry_instances')).toEqual([]);
  });
});
