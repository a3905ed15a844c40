import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { calc } from './registry.harness';

/**
 * One client floods the built registry with registrations of distinct ids for a few seconds while another
 * keeps its instance renewed (TTL 2 s) and a third looks it up. Asserts availability and correctness, not
 * timings: every lookup answered with the steady instance in it, every renewal accepted, the flood refused
 * past its budget. Lookups' p99 and the flood's rate are printed for the record.
 */
jest.setTimeout(60_000);

const FLOOD_MS = 5_000;
const FLOOD_IN_FLIGHT = 64;

async function post(agent: Agent, url: string, body: unknown): Promise<number> {
  const answer = await request(`${url}/register?answer=none`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    dispatcher: agent,
  });
  await answer.body.dump();
  return answer.statusCode;
}

describe('a registration flood from one client', () => {
  afterAll(() => stopAll());

  it('leaves lookups answered and another client renewed, and refuses the flood past its budget', async () => {
    const registry = await startApp('registry', { REGISTRY_DATA_DIR: tmpDir('flood-'), REGISTRY_SWEEP_INTERVAL_MS: '100' });
    // Three client addresses on loopback: the flood's, the steady client's, the reader's.
    const flooder = new Agent({ localAddress: '127.0.0.3', connections: FLOOD_IN_FLIGHT });
    const steady = new Agent({ localAddress: '127.0.0.4' });
    const reader = new Agent({ localAddress: '127.0.0.5' });
    const steadyInstance = calc({ id: 'steady', host: '127.0.0.40', ttlSeconds: 2 });
    try {
      expect(await post(steady, registry.url, steadyInstance)).toBe(201);
      const start = performance.now();
      const deadline = start + FLOOD_MS;
      const floodStatuses = new Map<number, number>();
      let sent = 0;
      const flood = Promise.all(
        Array.from({ length: FLOOD_IN_FLIGHT }, async () => {
          while (performance.now() < deadline) {
            const status = await post(flooder, registry.url, calc({ name: 'flood', id: `flood-${sent++}`, host: '127.0.0.30' })).catch(() => 0);
            floodStatuses.set(status, (floodStatuses.get(status) ?? 0) + 1);
          }
        }),
      );
      const renewals: number[] = [];
      const renew = (async () => {
        while (performance.now() < deadline) {
          renewals.push(await post(steady, registry.url, steadyInstance));
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      })();
      const lookups: { ms: number; status: number; steady: boolean }[] = [];
      const look = (async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          const answer = await request(`${registry.url}/service/calc`, { dispatcher: reader });
          const body = (await answer.body.json()) as { id: string }[];
          lookups.push({ ms: performance.now() - started, status: answer.statusCode, steady: body.some((i) => i.id === 'steady') });
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      await Promise.all([flood, renew, look]);
      const elapsedMs = performance.now() - start;

      const sorted = lookups.map((lookup) => lookup.ms).sort((a, b) => a - b);
      const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
      process.stderr.write(
        `\n[flood] ${sent} registrations in ${FLOOD_MS} ms (${Math.round(sent / (FLOOD_MS / 1000))}/s): ${JSON.stringify(Object.fromEntries(floodStatuses))}; ` +
          `${lookups.length} lookups, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms; ${renewals.length} renewals\n`,
      );
      expect(lookups.length).toBeGreaterThan(10);
      expect(lookups.every((lookup) => lookup.status === 200 && lookup.steady)).toBe(true);
      expect(renewals.length).toBeGreaterThan(3);
      expect(renewals.every((status) => status === 200)).toBe(true);
      expect(floodStatuses.get(429)).toBeGreaterThan(0);
      // The default budget: 600 at once, refilled at 600 a minute while the flood lasts.
      expect(floodStatuses.get(201)).toBeLessThanOrEqual(Math.ceil(600 * (1 + elapsedMs / 60_000)));
      const health = await request(`${registry.url}/health`, { dispatcher: reader });
      await health.body.dump();
      expect(health.statusCode).toBe(200);
    } finally {
      await Promise.all([flooder.close(), steady.close(), reader.close()]);
      await registry.stop();
    }
  });
});
