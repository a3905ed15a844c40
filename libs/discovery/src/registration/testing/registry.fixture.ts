/* Test-only: the real registry, in process, for the library's specs. Not exported by the barrel. */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRegistryConfig } from '../../../../../apps/registry/src/config';
import { createRegistryApp, registryUrl } from '../../../../../apps/registry/src/registry.app';
import { ServiceInstance } from '../../interfaces/service-instance.interface';

export interface TestRegistry {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Starts the real registry on 127.0.0.1 (port 0 unless given), silent, sweeping every 100 ms. */
export async function startTestRegistry(options: { port?: number; dataDir?: string } = {}): Promise<TestRegistry> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'discovery-spec-'));
  const app = await createRegistryApp(
    resolveRegistryConfig({ port: options.port ?? 0, host: '127.0.0.1', dataDir, sweepIntervalMs: 100, snapshotDelayMs: 0 }),
    { logger: false },
  );
  const url = registryUrl(app);
  return { app, url, port: Number(new URL(url).port), dataDir, close: () => app.close() };
}

/** Registers an instance directly over HTTP, as another service would. */
export async function registerDirectly(
  url: string,
  body: { name: string; port: number; id?: string; host?: string },
): Promise<ServiceInstance> {
  const response = await fetch(`${url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ host: '127.0.0.1', ...body }),
  });
  if (response.status >= 300) throw new Error(`register answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { instance: ServiceInstance }).instance;
}

export async function listService(url: string, name: string): Promise<ServiceInstance[]> {
  return (await (await fetch(`${url}/service/${name}`)).json()) as ServiceInstance[];
}

export async function deregisterDirectly(url: string, name: string, id: string): Promise<void> {
  await fetch(`${url}/service/${name}/${id}`, { method: 'DELETE' });
}
