import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Agent, request } from 'undici';
import { waitFor } from '../../../../test/e2e/helpers/wait-for';
import { startTestRegistry, TestRegistry } from '../../../../test/fixtures/registry.fixture';
import { DiscoveryModule } from '../discovery.module';
import { DiscoveryModuleOptions } from '../interfaces/discovery-options.interface';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { InFlightRequests } from './in-flight-requests';
import { RegistrationService } from './registration.service';

/** Requests to GET /slow wait until the test calls `release()`. */
class Gate {
  private opened!: () => void;
  readonly open = new Promise<void>((resolve) => (this.opened = resolve));
  release(): void {
    this.opened();
  }
}

async function bootApp(options: DiscoveryModuleOptions, gate: Gate): Promise<NestFastifyApplication> {
  @Controller()
  class SlowController {
    @Get('slow')
    async slow(): Promise<{ done: boolean }> {
      await gate.open;
      return { done: true };
    }
  }
  @Module({ imports: [DiscoveryModule.forRoot(options)], controllers: [SlowController] })
  class AppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

type Seen = 'enabled' | 'drained' | 'gone';

/**
 * Follows one instance through the registry's long poll (`status=all`, so a drained instance stays
 * visible) and records each state it passes through, in order.
 */
function follow(registryUrl: string, name: string, id: string): { states: Seen[]; stop: () => void } {
  const states: Seen[] = [];
  const abort = new AbortController();
  // Its own connections, destroyed on stop: a long poll left parked would hold the registry's close.
  const agent = new Agent();
  void (async () => {
    let revision: number | undefined;
    while (!abort.signal.aborted) {
      const query = revision === undefined ? 'timeoutSeconds=5' : `revision=${revision}&timeoutSeconds=5`;
      try {
        const response = await request(`${registryUrl}/watch?status=all&${query}`, { signal: abort.signal, dispatcher: agent });
        const body = (await response.body.json()) as { revision: number; services: Record<string, ServiceInstance[]> };
        revision = body.revision;
        const instance = (body.services[name] ?? []).find((i) => i.id === id);
        const state: Seen = !instance ? 'gone' : instance.enabled === false ? 'drained' : 'enabled';
        if (states[states.length - 1] !== state) states.push(state);
      } catch {
        return;
      }
    }
  })();
  return {
    states,
    stop: () => {
      abort.abort();
      void agent.destroy();
    },
  };
}

describe('graceful stop', () => {
  let registry: TestRegistry;
  let app: NestFastifyApplication | undefined;
  let gate: Gate;
  const options = (name: string, extra: DiscoveryModuleOptions = {}): DiscoveryModuleOptions => ({
    name,
    urls: [registry.url],
    host: '127.0.0.1',
    heartbeatIntervalMs: 100,
    ttlSeconds: 30,
    check: false,
    ...extra,
  });

  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(() => registry.close());
  beforeEach(() => {
    gate = new Gate();
  });
  afterEach(async () => {
    gate.release();
    await app?.close();
    app = undefined;
  });

  async function registered(name: string, extra: DiscoveryModuleOptions = {}): Promise<{ id: string; url: string }> {
    app = await bootApp(options(name, extra), gate);
    const service = app.get(RegistrationService);
    await waitFor(() => service.state().registered, { message: `${name} registered` });
    return { id: service.state().instanceId!, url: await app.getUrl() };
  }

  it('marks itself disabled, finishes the request in flight, then deregisters', async () => {
    const { id, url } = await registered('drain-me', { drainGraceMs: 50, drainTimeoutMs: 5000 });
    const timeline = follow(registry.url, 'drain-me', id);
    await waitFor(() => timeline.states.length > 0, { message: 'the watch to see the instance' });

    const inFlight = request(`${url}/slow`).then(async (r) => ({ status: r.statusCode, body: await r.body.json() }));
    const tracker = app!.get(InFlightRequests);
    await waitFor(() => tracker.size === 1, { message: 'the request to be in flight' });

    let closed = false;
    const closing = app!.close().then(() => (closed = true));
    app = undefined;
    await waitFor(() => timeline.states.includes('drained'), { message: 'the registry to see it drained' });
    expect(closed).toBe(false); // still waiting for the request in flight
    expect(timeline.states).not.toContain('gone');

    gate.release();
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
    await closing;
    await waitFor(() => timeline.states.includes('gone'), { message: 'the registry to see it gone' });
    timeline.stop();
    expect(timeline.states).toEqual(['enabled', 'drained', 'gone']);
  });

  it('deregisters after drainTimeoutMs even while a request is stuck', async () => {
    const { id, url } = await registered('stuck', { drainGraceMs: 20, drainTimeoutMs: 300 });
    const timeline = follow(registry.url, 'stuck', id);
    await waitFor(() => timeline.states.length > 0, { message: 'the watch to see the instance' });
    const stuck = new AbortController();
    const call = request(`${url}/slow`, { signal: stuck.signal }).catch(() => undefined);
    const tracker = app!.get(InFlightRequests);
    await waitFor(() => tracker.size === 1, { message: 'the request to be in flight' });

    const startedAt = Date.now();
    const closing = app!.close();
    app = undefined;
    await waitFor(() => timeline.states.includes('gone'), { message: 'the registry to see it gone' });
    const tookMs = Date.now() - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(290);
    expect(tookMs).toBeLessThan(1500);
    expect(timeline.states).toEqual(['enabled', 'drained', 'gone']);
    // Nest's HTTP server close still waits for the request itself; the client gives up here.
    stuck.abort();
    await call;
    await closing;
    timeline.stop();
  });

  it('with drainTimeoutMs 0, deregisters at once without draining', async () => {
    const { id } = await registered('no-drain', { drainTimeoutMs: 0 });
    const timeline = follow(registry.url, 'no-drain', id);
    await waitFor(() => timeline.states.length > 0, { message: 'the watch to see the instance' });
    await app!.close();
    app = undefined;
    await waitFor(() => timeline.states.includes('gone'), { message: 'the registry to see it gone' });
    timeline.stop();
    expect(timeline.states).toEqual(['enabled', 'gone']);
  });

  it('stops promptly when the registry is gone: no grace without a registry that took the drain', async () => {
    const own = await startTestRegistry();
    app = await bootApp({ ...options('orphan-drain'), urls: [own.url], drainGraceMs: 5000 }, gate);
    const service = app.get(RegistrationService);
    await waitFor(() => service.state().registered, { message: 'registered' });
    await own.close();
    const startedAt = Date.now();
    await app.close();
    app = undefined;
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });
});
