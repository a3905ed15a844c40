import { register } from '../registry/registry.harness';

/** A small, plausible fleet for the dashboard's screenshots: a few services, several instances each. */
export const DEMO_INSTANCES: Record<string, unknown>[] = [
  { name: 'gateway', id: 'gateway-7f3a9c', host: '10.0.1.10', port: 3000, tags: ['edge', 'v3'], metadata: { zone: 'eu-west-1a', version: '3.4.1' } },
  { name: 'calc', id: 'calc-2b81d0', host: '10.0.2.21', port: 3201, tags: ['v2'], metadata: { zone: 'eu-west-1a', version: '2.1.0' } },
  { name: 'calc', id: 'calc-91ce44', host: '10.0.2.22', port: 3202, tags: ['v2'], metadata: { zone: 'eu-west-1b', version: '2.1.0' } },
  { name: 'calc', id: 'calc-grpc-5d0e17', host: '10.0.2.22', port: 50051, protocol: 'grpc', tags: ['v2', 'grpc'], metadata: { zone: 'eu-west-1b' } },
  { name: 'orders', id: 'orders-a41f02', host: '10.0.3.7', port: 8080, tags: ['v2', 'canary'], weight: 1, metadata: { zone: 'eu-west-1a', version: '2.8.0-rc.1' } },
  { name: 'orders', id: 'orders-c07e9b', host: '10.0.3.8', port: 8080, tags: ['v1'], weight: 9, metadata: { zone: 'eu-west-1b', version: '1.19.4' } },
  { name: 'payments', id: 'payments-3e6d51', host: '10.0.4.15', port: 8443, protocol: 'https', tags: ['pci'], weight: 5, metadata: { zone: 'eu-west-1a', owner: 'team-pay' } },
  { name: 'payments', id: 'payments-8aa210', host: '10.0.4.16', port: 8443, protocol: 'https', tags: ['pci'], weight: 5, metadata: { zone: 'eu-west-1b', owner: 'team-pay' } },
  { name: 'inventory', id: 'inventory-0c5f73', host: 'fd00::4:20', port: 9090, protocol: 'grpc', tags: ['v1'], metadata: { zone: 'eu-west-1c', version: '1.2.0', region: 'eu-west-1', build: '5e7c1d2' } },
];

/** Registers (or renews) the demo fleet, or the part of it `only` keeps, with a long TTL. */
export async function registerDemoFleet(
  url: string,
  ttlSeconds = 300,
  only: (instance: Record<string, unknown>) => boolean = () => true,
): Promise<void> {
  for (const instance of DEMO_INSTANCES.filter(only)) {
    const { status, text } = await register(url, { ttlSeconds, ...instance });
    if (status >= 300) throw new Error(`register ${String(instance.id)} answered ${status}: ${text}`);
  }
}
