import { Logger } from '@nestjs/common';
import { RequestContext } from '../context/request-context';
import { DeadlineExceededError } from '../errors/deadline-exceeded.error';
import { RemoteHttpError } from '../errors/remote-http.error';
import { HttpCallContext, HttpClientInterceptor, HttpNext } from '../client/http-interceptor.interface';
import { closedPort, instance, json, makeClient, startServer, StaticSource, TestClient, TestServer } from '../client/test-support/fixtures';

Logger.overrideLogger(false);

/**
 * What the one call pipeline adds to every client — deadlines that follow a request, the retry budget,
 * hedging, interceptors — through `ServiceClient` against real HTTP servers (the gRPC client runs on the
 * same pipeline: see grpc-service-client.spec.ts).
 */
describe('the call pipeline (ServiceClient, real HTTP servers)', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const server = async (handler: Parameters<typeof startServer>[0]): Promise<TestServer> => {
    const s = await startServer(handler);
    servers.push(s);
    return s;
  };
  const client = (source: StaticSource, overrides: Parameters<typeof makeClient>[1] = {}): TestClient['client'] => {
    const c = makeClient(source, overrides);
    clients.push(c);
    return c.client;
  };
  /** Answers with the request's headers. */
  const echo = (): Promise<TestServer> => server((req, res) => json(res, 200, { headers: req.headers }));

  describe('deadline propagation', () => {
    it("sends a call's remaining budget as x-timeout-ms: its own deadline, or what the request has left when less", async () => {
      const s = await echo();
      const c = client(new StaticSource().set('svc', [instance('a', s.port)]), { timeoutMs: 2000 });
      // No deadline anywhere: the timeout is the caller's own patience, not a budget to hand down.
      const plain = await c.request<{ headers: Record<string, string> }>({ service: 'svc', path: '/' });
      expect(plain.headers['x-timeout-ms']).toBeUndefined();
      const own = await c.request<{ headers: Record<string, string> }>({ service: 'svc', path: '/', deadlineMs: 800 });
      expect(Number(own.headers['x-timeout-ms'])).toBeGreaterThan(0);
      expect(Number(own.headers['x-timeout-ms'])).toBeLessThanOrEqual(800);
      const inherited = await RequestContext.run({ requestId: 'r1', deadline: Date.now() + 300 }, () =>
        c.request<{ headers: Record<string, string> }>({ service: 'svc', path: '/' }),
      );
      expect(Number(inherited.headers['x-timeout-ms'])).toBeGreaterThan(0);
      expect(Number(inherited.headers['x-timeout-ms'])).toBeLessThanOrEqual(300);
      expect(inherited.headers['x-request-id']).toBe('r1');
    });

    it('fails at once, unsent, when the budget is already spent', async () => {
      const s = await echo();
      const c = client(new StaticSource().set('svc', [instance('a', s.port)]));
      const error = await RequestContext.run({ requestId: 'r2', deadline: Date.now() - 1 }, () =>
        c.request({ service: 'svc', path: '/' }).catch((e: unknown) => e),
      );
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED', httpStatus: 504, attempts: 0 });
      expect(s.hits).toEqual([]);
    });

    it("times an attempt out by the request's deadline, not its own longer timeout", async () => {
      const slow = await server(() => undefined); // never answers
      const c = client(new StaticSource().set('svc', [instance('a', slow.port)]), { timeoutMs: 10_000, retries: 0 });
      const started = Date.now();
      const error = await RequestContext.run({ requestId: 'r3', deadline: Date.now() + 300 }, () =>
        c.request({ service: 'svc', path: '/' }).catch((e: unknown) => e),
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error).toMatchObject({ code: 'REMOTE_TIMEOUT' });
    });
  });

  describe('retry budget', () => {
    it('refuses retries past the share of recent calls, and counts what it refused', async () => {
      const bad = await server((_req, res) => json(res, 503, {}));
      const good = await echo();
      const c = makeClient(new StaticSource().set('svc', [instance('bad', bad.port), instance('good', good.port)]), {
        retryBudget: { ratio: 0, minPerSecond: 0.2, windowSeconds: 10 }, // two retries in the window, whatever the traffic
        outlierEjection: { consecutiveFailures: 1000, cooldownMs: 1 },
        loadBalancing: 'round-robin',
      });
      clients.push(c);
      const results = [];
      for (let i = 0; i < 10; i++) results.push(await c.client.request({ service: 'svc', path: '/' }).then(() => 'ok', (e: unknown) => e));
      const failures = results.filter((r) => r instanceof RemoteHttpError);
      // Round robin sends every other call to `bad` first: five of them; two retried, three refused.
      expect(bad.hits).toHaveLength(5);
      expect(failures).toHaveLength(3);
    });
  });

  describe('hedging', () => {
    it('sends a second attempt after hedgeAfterMs; the first answer wins', async () => {
      const slow = await server((_req, res) => setTimeout(() => json(res, 200, { from: 'slow' }), 1500));
      const fast = await server((_req, res) => json(res, 200, { from: 'fast' }));
      const c = client(new StaticSource().set('svc', [instance('slow', slow.port), instance('fast', fast.port)]), {
        loadBalancing: 'round-robin',
      });
      const started = Date.now();
      const answers = [];
      for (let i = 0; i < 2; i++) answers.push(await c.request<{ from: string }>({ service: 'svc', path: '/', hedgeAfterMs: 100 }));
      expect(answers.map((a) => a.from)).toEqual(['fast', 'fast']);
      // Without the hedge the first call alone would have waited the slow instance's 1.5 s.
      expect(Date.now() - started).toBeLessThan(1400);
      expect(slow.hits).toHaveLength(1);
      expect(fast.hits).toHaveLength(2);
    });

    it('never hedges a non-idempotent call', async () => {
      const slow = await server((_req, res) => setTimeout(() => json(res, 200, { from: 'slow' }), 300));
      const other = await server((_req, res) => json(res, 200, { from: 'other' }));
      const c = client(new StaticSource().set('svc', [instance('slow', slow.port), instance('other', other.port)]), {
        loadBalancing: 'round-robin',
      });
      await expect(c.request({ service: 'svc', method: 'POST', path: '/', hedgeAfterMs: 50 })).resolves.toEqual({ from: 'slow' });
      expect(other.hits).toHaveLength(0);
    });
  });

  describe('HTTP interceptors', () => {
    class Tag implements HttpClientInterceptor {
      constructor(
        private readonly name: string,
        private readonly seen: string[],
      ) {}
      async intercept(ctx: HttpCallContext, next: HttpNext) {
        this.seen.push(`${this.name}>`);
        ctx.headers[`x-${this.name}`] = 'yes';
        try {
          return await next();
        } finally {
          this.seen.push(`<${this.name}`);
        }
      }
    }

    it("runs the module's interceptors outside the call's, first outermost, around every attempt", async () => {
      const s = await echo();
      const dead = await closedPort();
      const seen: string[] = [];
      const c = client(new StaticSource().set('svc', [instance('dead', dead), instance('a', s.port)]), {
        http: { interceptors: [new Tag('module', seen)] },
        loadBalancing: 'round-robin',
      });
      const answer = await c.request<{ headers: Record<string, string> }>({ service: 'svc', path: '/', interceptors: [new Tag('call', seen)] });
      expect(answer.headers).toMatchObject({ 'x-module': 'yes', 'x-call': 'yes' });
      expect(seen).toEqual(['module>', 'call>', '<call', '<module']);
    });
  });
});
