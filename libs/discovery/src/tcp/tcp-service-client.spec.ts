import { lastValueFrom } from 'rxjs';
import { CallPipeline } from '../call/call-pipeline';
import { InstanceSelector } from '../client/instance-selector';
import { ProtocolView, TCP_PROTOCOLS } from '../client/protocol-view';
import { instance, StaticSource } from '../client/test-support/fixtures';
import { RequestContext } from '../context/request-context';
import { DeadlineExceededError } from '../errors/deadline-exceeded.error';
import { NoAvailableInstanceError } from '../errors/no-available-instance.error';
import { RemoteTcpError } from '../errors/remote-tcp.error';
import { RemoteTimeoutError } from '../errors/remote-timeout.error';
import { RemoteUnavailableError } from '../errors/remote-unavailable.error';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { StrategyRegistry } from '../load-balancing/strategy.registry';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { RetryBackoff } from '../resilience/retry.policy';
import { TcpCallContext } from './tcp-call.context';
import { TcpConnectionPool } from './tcp-connection.pool';
import { TCP_ENDPOINT } from './tcp-frame';
import { TcpClientSettings, TcpServiceClient } from './tcp-service-client';
import { later, refusedPort, startRawServer, startTcpServer } from './test-support/tcp-fixtures';

/** One app's instance as calc registers it: HTTP primary address, the fast lane as its endpoint `tcp`. */
function fastLane(id: string, tcpPort: number): ServiceInstance {
  return instance(id, 1, { endpoints: { [TCP_ENDPOINT]: { protocol: 'tcp', port: tcpPort } } });
}

/**
 * The fast lane through the one call pipeline (TcpCallAdapter): selection at the `tcp` endpoint, retries by
 * what the failure proves, ejection, deadline propagation and request ids — real servers, real sockets.
 */
describe('TcpServiceClient (the fast lane on the call pipeline, real servers)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const serve = async (handlers: Parameters<typeof startTcpServer>[0]) => {
    const server = await startTcpServer(handlers);
    cleanups.push(() => server.close());
    return server;
  };
  const make = (source: StaticSource, settings: Partial<TcpClientSettings> = {}) => {
    const ejection = new OutlierEjection({ consecutiveFailures: 2, cooldownMs: 60_000 });
    const pool = new TcpConnectionPool(2);
    cleanups.push(() => pool.close());
    const client = new TcpServiceClient(
      {
        service: 'svc',
        idempotent: new Set<string>(),
        timeoutMs: 2000,
        deadlineMs: undefined,
        retries: 2,
        loadBalancing: 'round-robin',
        filter: undefined,
        ...settings,
      },
      {
        pipeline: new CallPipeline({
          source,
          selector: new InstanceSelector(ejection, undefined, new ProtocolView(TCP_PROTOCOLS, TCP_ENDPOINT)),
          ejection,
          backoff: new RetryBackoff(1),
          retryBudget: { ratio: 1, minPerSecond: 1000, windowSeconds: 10 },
        }),
        strategies: new StrategyRegistry(),
        pool,
      },
    );
    return { client, ejection, pool };
  };
  const whoAmI = (name: string) => ({ who: () => name });

  it('balances calls across the instances’ tcp endpoints, and answers through send() as an Observable too', async () => {
    const [a, b] = await Promise.all([serve(whoAmI('a')), serve(whoAmI('b'))]);
    const source = new StaticSource().set('svc', [fastLane('a', a.port), fastLane('b', b.port), instance('http-only', 9)]);
    const { client } = make(source);
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.call<string>('who')));
    expect(answers.filter((x) => x === 'a')).toHaveLength(10);
    expect(answers.filter((x) => x === 'b')).toHaveLength(10);
    expect(await lastValueFrom(client.send<string>('who', undefined))).toMatch(/^[ab]$/);
    const { instance: at, attempts } = await client.callWithResult('who');
    expect(at.port === a.port || at.port === b.port).toBe(true);
    expect(attempts).toBe(1);
  });

  it('retries any pattern elsewhere when the first instance refused the connection (never sent)', async () => {
    const live = await serve(whoAmI('live'));
    const source = new StaticSource().set('svc', [fastLane('dead', await refusedPort()), fastLane('live', live.port)]);
    const { client } = make(source);
    // Not idempotent, yet safe: nothing reached the dead one.
    for (let i = 0; i < 4; i++) expect(await client.call('who')).toBe('live');
  });

  it('retries after a lost connection only for idempotent patterns', async () => {
    const raw = await startRawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    cleanups.push(() => raw.close());
    const live = await serve({ ...whoAmI('live'), 'safe-who': () => 'live' });
    const only = (first: number) => new StaticSource().set('svc', [fastLane('resets', first), fastLane('live', live.port)]);
    // round-robin from the first: the resetting instance first.
    const strict = make(only(raw.port), { loadBalancing: { select: (list) => list[0] } });
    await expect(strict.client.call('who')).rejects.toBeInstanceOf(RemoteUnavailableError);
    const lenient = make(only(raw.port), { idempotent: new Set(['safe-who']), loadBalancing: { select: (list) => list[0] } });
    expect(await lenient.client.call('safe-who')).toBe('live');
  });

  it('passes the server’s 4xx through untried elsewhere and never counts it against the instance', async () => {
    let calls = 0;
    const server = await serve({ div: () => (calls++, Promise.reject({ status: 400, message: 'b must not be zero' })) });
    const { client, ejection } = make(new StaticSource().set('svc', [fastLane('a', server.port)]), { idempotent: true });
    for (let i = 0; i < 3; i++) {
      const error = await client.call('div', { a: 1, b: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteTcpError);
      expect(error).toMatchObject({ status: 400, httpStatus: 400, details: 'b must not be zero', code: 'REMOTE_TCP_ERROR' });
    }
    expect(calls).toBe(3);
    expect(ejection.state('a')).toBe('closed');
  });

  it('ejects an instance after consecutive failures; its next calls go to the other', async () => {
    const failing = await serve({ who: () => Promise.reject(new Error('broken')) });
    const good = await serve(whoAmI('good'));
    const { client, ejection } = make(new StaticSource().set('svc', [fastLane('failing', failing.port), fastLane('good', good.port)]), {
      idempotent: true,
      retries: 0,
    });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => client.call('who').catch((e: RemoteTcpError) => e.status)));
    expect(outcomes).toContain(500);
    expect(ejection.state('failing')).toBe('open');
    for (let i = 0; i < 4; i++) expect(await client.call('who')).toBe('good');
    const error = new RemoteTcpError('svc', 'who', fastLane('x', 1), 500, 'broken');
    expect(error.httpStatus).toBe(502);
  });

  it('times an attempt out (RemoteTimeoutError) and sends what remains of the request’s deadline', async () => {
    const budgets: Array<number | undefined> = [];
    const server = await serve({
      slow: () => later(500, 'late'),
      budget: (_d, ctx) => (budgets.push((ctx as TcpCallContext).getDeadline()), 'ok'),
      id: (_d, ctx) => (ctx as TcpCallContext).getRequestId(),
    });
    const { client } = make(new StaticSource().set('svc', [fastLane('a', server.port)]), { timeoutMs: 50, retries: 0 });
    await expect(client.call('slow')).rejects.toBeInstanceOf(RemoteTimeoutError);
    const { client: patient } = make(new StaticSource().set('svc', [fastLane('a', server.port)]));
    // No deadline anywhere: nothing is sent, the server sees none.
    await patient.call('budget');
    expect(budgets[0]).toBeUndefined();
    // Inside a request with 300 ms left: the frame carries at most that.
    const sentAt = Date.now();
    await RequestContext.run({ requestId: 'req-7', deadline: sentAt + 300 }, () => patient.call('budget'));
    expect(budgets[1]).toBeGreaterThan(sentAt);
    expect(budgets[1]).toBeLessThanOrEqual(Date.now() + 300);
    // The request's id goes on in the frame.
    expect(await RequestContext.run({ requestId: 'req-8' }, () => patient.call('id'))).toBe('req-8');
    // A spent budget fails at once, unsent.
    await expect(RequestContext.run({ requestId: 'r', deadline: Date.now() - 1 }, () => patient.call('budget'))).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    expect(budgets).toHaveLength(2);
  });

  it('cancels the call when send()’s subscriber unsubscribes before the answer', async () => {
    let finished = 0;
    const server = await serve({ slow: () => later(150, 'late').then((v) => (finished++, v)) });
    const { client } = make(new StaticSource().set('svc', [fastLane('a', server.port)]), { idempotent: true });
    const seen: unknown[] = [];
    const subscription = client.send('slow', undefined).subscribe({ next: (v) => seen.push(v), error: (e) => seen.push(e) });
    await later(30, undefined);
    subscription.unsubscribe();
    await later(200, undefined);
    expect(seen).toEqual([]);
    expect(finished).toBe(1); // the server still ran it; nobody waits for its answer
  });

  it('lets go of a leaving instance’s connections without failing the calls they carry', async () => {
    const server = await serve({ slow: () => later(150, 'answered') });
    const { client, pool } = make(new StaticSource().set('svc', [fastLane('a', server.port)]), { retries: 0 });
    const inFlight = client.call('slow');
    await later(30, undefined);
    pool.release({ ...fastLane('a', server.port), port: server.port }); // what InstanceLifecycle does when it leaves
    expect(await inFlight).toBe('answered');
  });

  it('has no instance to call when none has a tcp endpoint', async () => {
    const { client } = make(new StaticSource().set('svc', [instance('http-only', 9)]), { retries: 0 });
    await expect(client.call('who')).rejects.toBeInstanceOf(NoAvailableInstanceError);
  });

  it('keeps a few connections per instance (at its tcp endpoint), closed when it leaves', async () => {
    const server = await serve(whoAmI('a'));
    const { client, pool } = make(new StaticSource().set('svc', [fastLane('a', server.port)]));
    await Promise.all(Array.from({ length: 10 }, () => client.call('who')));
    const atEndpoint = { ...fastLane('a', server.port), port: server.port };
    expect(pool.count(atEndpoint)).toBe(2);
    pool.release(atEndpoint);
    expect(pool.count(atEndpoint)).toBe(0);
    // The next call opens new ones.
    expect(await client.call('who')).toBe('a');
    expect(pool.count(atEndpoint)).toBe(1);
  });
});
