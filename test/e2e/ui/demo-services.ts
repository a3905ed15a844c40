import { register } from '../registry/registry.harness';
import { FakeApp, startFakeApp } from './fake-app';

/**
 * A small, plausible fleet for the dashboard's screenshots: a few services, several instances each, every
 * one of them an app with its primary (HTTP) address and, for some, named endpoints. Loopback addresses
 * only: a registry may probe what is registered.
 */
export const DEMO_INSTANCES: Record<string, unknown>[] = [
  { name: 'gateway', id: 'gateway-7f3a9c', host: '127.0.0.10', port: 3000, tags: ['edge', 'v3'], metadata: { zone: 'eu-west-1a', version: '3.4.1' } },
  { name: 'calc', id: 'calc-2b81d0', host: '127.0.0.21', port: 3201, tags: ['v2'], metadata: { zone: 'eu-west-1a', version: '2.1.0' }, endpoints: { grpc: { port: 50051 } } },
  { name: 'calc', id: 'calc-91ce44', host: '127.0.0.22', port: 3201, tags: ['v2'], metadata: { zone: 'eu-west-1b', version: '2.1.0' }, endpoints: { grpc: { port: 50051 } } },
  { name: 'calc', id: 'calc-e4a7b3', host: '127.0.0.23', port: 3201, tags: ['v2'], metadata: { zone: 'eu-west-1c', version: '2.1.0' }, endpoints: { grpc: { port: 50051 } } },
  { name: 'orders', id: 'orders-a41f02', host: '127.0.0.31', port: 8080, tags: ['v2', 'canary'], weight: 1, metadata: { zone: 'eu-west-1a', version: '2.8.0-rc.1' } },
  { name: 'orders', id: 'orders-c07e9b', host: '127.0.0.32', port: 8080, tags: ['v1'], weight: 9, metadata: { zone: 'eu-west-1b', version: '1.19.4' } },
  { name: 'payments', id: 'payments-3e6d51', host: '127.0.0.41', port: 8443, protocol: 'https', tags: ['pci'], weight: 5, metadata: { zone: 'eu-west-1a', owner: 'team-pay' } },
  { name: 'payments', id: 'payments-8aa210', host: '127.0.0.42', port: 8443, protocol: 'https', tags: ['pci'], weight: 5, metadata: { zone: 'eu-west-1b', owner: 'team-pay' } },
  {
    name: 'inventory', id: 'inventory-0c5f73', host: '127.0.0.51', port: 9090, tags: ['v1'],
    metadata: { zone: 'eu-west-1c', version: '1.2.0', region: 'eu-west-1', build: '5e7c1d2' },
    endpoints: { grpc: { port: 9091 }, admin: { port: 9464, protocol: 'http' } },
  },
];

/** The demo instance whose gRPC server reports NOT_SERVING while its HTTP side is fine. */
export const DEMO_CRITICAL_GRPC = 'calc-91ce44';

/** Checks quick enough for a picture taken seconds after registering. */
const DEMO_CHECK = { intervalSeconds: 2, timeoutSeconds: 1, failuresBeforeCritical: 2, successesBeforePassing: 2 };

/**
 * Stand-ins for the calc processes, listening where the demo fleet says they are (or on a free port when
 * that is taken), so the registry's checks have something real to probe: each passes its HTTP check and
 * its gRPC one, except {@link DEMO_CRITICAL_GRPC}'s gRPC server, which reports NOT_SERVING.
 */
export async function startDemoApps(): Promise<Map<string, FakeApp>> {
  const apps = new Map<string, FakeApp>();
  for (const instance of DEMO_INSTANCES.filter(({ name }) => name === 'calc')) {
    const endpoints = instance.endpoints as Record<string, { port: number }>;
    const app = await startFakeApp({
      host: String(instance.host),
      httpPort: Number(instance.port),
      grpcPort: endpoints.grpc.port,
      grpcStatus: instance.id === DEMO_CRITICAL_GRPC ? 'NOT_SERVING' : 'SERVING',
    });
    apps.set(String(instance.id), app);
  }
  return apps;
}

export interface DemoFleetOptions {
  ttlSeconds?: number;
  /** Registers only the instances this keeps. */
  only?: (instance: Record<string, unknown>) => boolean;
  /** Running stand-ins by instance id: those instances register their ports with an HTTP check and a gRPC check. */
  apps?: ReadonlyMap<string, FakeApp>;
}

/** Registers (or renews) the demo fleet, or the part of it `only` keeps, with a long TTL. */
export async function registerDemoFleet(url: string, options: DemoFleetOptions = {}): Promise<void> {
  const { ttlSeconds = 300, only = () => true, apps } = options;
  for (const instance of DEMO_INSTANCES.filter(only)) {
    const app = apps?.get(String(instance.id));
    const checked = app === undefined ? instance : {
      ...instance,
      port: app.httpPort,
      check: { type: 'http', path: '/health', ...DEMO_CHECK },
      endpoints: { grpc: { port: app.grpcPort, check: { type: 'grpc', ...DEMO_CHECK } } },
    };
    const { status, text } = await register(url, { ttlSeconds, ...checked });
    if (status >= 300) throw new Error(`register ${String(instance.id)} answered ${status}: ${text}`);
  }
}
