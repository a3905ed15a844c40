import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunningApp, startApp, startScript } from '../../test/e2e/helpers/spawn-app';
import { tmpDir } from '../../test/e2e/helpers/tmp-dir';
import { waitFor } from '../../test/e2e/helpers/wait-for';

export { RunningApp, startApp, startScript, tmpDir, waitFor };

export const FLOORS = join(__dirname, '..', 'floors');

/**
 * The bench registers fleets from one address as fast as it can (churn, fan-out, 100k-instance states): the
 * registry's admission bounds (issue 18's defaults: 600 new registrations a minute per address, 1,000
 * services, 1,000 instances a service, 64 watches per address) are lifted so the cases measure the paths, not the refusals. The
 * admission check itself still runs on every registration.
 */
const UNBOUNDED_REGISTRY: Record<string, string> = {
  REGISTRY_MAX_NEW_REGISTRATIONS_PER_MINUTE: '100000000',
  REGISTRY_MAX_INSTANCES_PER_SERVICE: '10000000',
  REGISTRY_MAX_SERVICES: '10000000',
  // The fan-out and subscription cases park 1,000 and 200 watches from the bench's one address.
  REGISTRY_MAX_WATCHES_PER_CLIENT: '1000000',
};

/** The built registry for a bench case, its admission bounds lifted (`env` can set them again). */
export function startRegistry(env: Record<string, string> = {}, timeoutMs?: number): Promise<RunningApp> {
  return startApp('registry', { ...UNBOUNDED_REGISTRY, ...env }, timeoutMs);
}

/**
 * Registry, `calcs` calc instances (default 2) and the gateway (`appEnv` added to calc's and the gateway's
 * environment), ready when the gateway answers through them.
 */
export async function startSystem(appEnv: Record<string, string> = {}, calcCount = 2): Promise<{
  registry: RunningApp;
  calcs: RunningApp[];
  gateway: RunningApp;
  /** The processes a gateway call runs through (gateway and calcs). */
  pids: number[];
  stop(): Promise<void>;
}> {
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-registry-') });
  const env = { ...appEnv, REGISTRY_URL: registry.url };
  const calcs = await Promise.all(Array.from({ length: calcCount }, () => startApp('calc', env)));
  const gateway = await startApp('gateway', env);
  await waitFor(
    async () => {
      const response = await fetch(`${registry.url}/service/calc`);
      return ((await response.json()) as unknown[]).length === calcCount;
    },
    { timeoutMs: 10_000, message: `${calcCount} calc instance(s) registered` },
  );
  await waitFor(async () => (await fetch(`${gateway.url}/calc/add/1/2`)).ok, { message: 'gateway to answer' });
  await waitFor(async () => (await fetch(`${gateway.url}/grpc/calc/add/1/2`)).ok, { message: 'gateway to answer over gRPC' });
  await waitFor(async () => (await fetch(`${gateway.url}/tcp/calc/add/1/2`)).ok, { message: 'gateway to answer over the fast lane' });
  return {
    registry,
    calcs,
    gateway,
    pids: [gateway.pid, ...calcs.map((calc) => calc.pid)],
    stop: async () => {
      await gateway.stop();
      await Promise.all(calcs.map((calc) => calc.stop()));
      await registry.stop();
    },
  };
}

/**
 * A floor pair: a gateway calling a calc over an undici pool, nothing else — bare Fastify (`fastify`), or two
 * minimal Nest apps on the same Fastify adapter (`nest`: what a Nest → Nest hop costs without this project);
 * or (`grpc`) a minimal Nest gateway calling a bare grpc-js calc server through a bare grpc-js client; or
 * (`moleculer`) a bare Fastify front calling a Moleculer service node through `broker.call` over its TCP transporter.
 */
export async function startFloor(kind: 'fastify' | 'nest' | 'grpc' | 'moleculer' = 'fastify'): Promise<{ gateway: RunningApp; pids: number[]; stop(): Promise<void> }> {
  const prefix = kind === 'fastify' ? '' : `${kind}-`;
  const calc = await startScript(join(FLOORS, `${prefix}calc.floor.js`));
  const gateway = await startScript(join(FLOORS, `${prefix}gateway.floor.js`), { CALC_URL: calc.url });
  return {
    gateway,
    pids: [gateway.pid, calc.pid],
    stop: async () => {
      await gateway.stop();
      await calc.stop();
    },
  };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}
