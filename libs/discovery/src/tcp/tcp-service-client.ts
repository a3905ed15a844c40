import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { CallPipeline } from '../call/call-pipeline';
import { CallSpec } from '../call/call-spec';
import { callDeadline } from '../call/deadline';
import { InstanceFilter } from '../client/service-request.interface';
import { RequestContext } from '../context/request-context';
import { StrategyRegistry, StrategySpec } from '../load-balancing/strategy.registry';
import { DiscoveryMetrics } from '../metrics/discovery.metrics';
import { TcpCallAdapter } from './tcp-call.adapter';
import { TcpCallOptions, TcpCallResult } from './tcp-client-options.interface';
import { TcpConnectionPool } from './tcp-connection.pool';

/** One client's settings, defaults merged. @internal */
export interface TcpClientSettings {
  readonly service: string;
  /** `true`: every pattern; else the normalised patterns that are. */
  readonly idempotent: true | ReadonlySet<string>;
  readonly timeoutMs: number;
  readonly deadlineMs: number | undefined;
  readonly retries: number;
  readonly loadBalancing: StrategySpec;
  readonly filter: InstanceFilter | undefined;
}

/** The shared machinery every fast-lane client runs on, from the module. @internal */
export interface TcpClientRuntime {
  readonly pipeline: CallPipeline;
  readonly strategies: StrategyRegistry;
  readonly pool: TcpConnectionPool;
  readonly metrics?: DiscoveryMetrics;
}

/**
 * A Nest `ClientProxy` over the fast lane, resolved and balanced by discovery: `send(pattern, data)`
 * picks an instance of the service (its `tcp` endpoint) on every call, through the same pipeline as the
 * HTTP and gRPC clients — selection and zone preference, per-attempt timeout, the request's deadline sent
 * on, retries on another instance (idempotent patterns; any pattern when it provably never reached a
 * server), outlier ejection, metrics, trace context and the request id. `call()` is the same as a promise,
 * without RxJS. A failure is a {@link RemoteTcpError} (the handler's status), `RemoteTimeoutError`,
 * `RemoteUnavailableError`, `DeadlineExceededError` or `NoAvailableInstanceError`.
 *
 * There is nothing to connect: connections to each instance open on first use and close when it leaves
 * the registry. Events (`emit`) are not carried: the fast lane is request–response.
 *
 * @example
 * ```ts
 * constructor(@InjectTcpClient('calc') private readonly calc: TcpServiceClient) {}
 * add(a: number, b: number): Observable<{ result: number }> {
 *   return this.calc.send('add', { a, b });             // Nest's idiom
 * }
 * async sum(a: number, b: number): Promise<number> {
 *   return (await this.calc.call<{ result: number }>('add', { a, b })).result;
 * }
 * ```
 */
export class TcpServiceClient extends ClientProxy {
  /** @internal Built by {@link TcpClientFactory}. */
  constructor(
    private readonly settings: TcpClientSettings,
    private readonly runtime: TcpClientRuntime,
  ) {
    super();
  }

  /** Registered service name this client resolves. */
  get service(): string {
    return this.settings.service;
  }

  /** Calls `pattern` with `data` on one instance; the Observable emits the answer once and completes. */
  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    return new Observable<TResult>((subscriber) => {
      const controller = new AbortController();
      let settled = false;
      this.callWithResult<TResult>(pattern, data, { signal: controller.signal }).then(
        ({ response }) => {
          settled = true;
          subscriber.next(response);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          subscriber.error(error);
        },
      );
      // Unsubscribing before the answer cancels the call (and its retries).
      return () => {
        if (!settled) controller.abort();
      };
    });
  }

  /** Calls `pattern` with `data` and resolves with the answer. */
  async call<T = unknown>(pattern: unknown, data?: unknown, options?: TcpCallOptions): Promise<T> {
    return (await this.callWithResult<T>(pattern, data, options)).response;
  }

  /** Calls `pattern` and resolves with the answer, the instance that gave it and how many attempts it took. */
  async callWithResult<T = unknown>(pattern: unknown, data?: unknown, options: TcpCallOptions = {}): Promise<TcpCallResult<T>> {
    const name = typeof pattern === 'string' ? pattern : this.normalizePattern(pattern as Parameters<ClientProxy['normalizePattern']>[0]);
    const { settings, runtime } = this;
    const spec: CallSpec = {
      service: settings.service,
      operation: name,
      idempotent: settings.idempotent === true || settings.idempotent.has(name),
      retries: options.retries ?? settings.retries,
      timeoutMs: options.timeoutMs ?? settings.timeoutMs,
      // The smaller of its own budget and what the request being handled has left.
      deadline: callDeadline(options.deadlineMs ?? settings.deadlineMs),
      strategy: runtime.strategies.get(settings.service, options.strategy ?? settings.loadBalancing),
      filter: options.filter ?? settings.filter,
      signal: options.signal,
      hedgeAfterMs: options.hedgeAfterMs,
      metrics: runtime.metrics?.client(settings.service, 'tcp'),
    };
    const requestId = options.requestId ?? RequestContext.current()?.requestId;
    // The normalised pattern goes on the wire: the server looks its handler up by that string.
    const adapter = new TcpCallAdapter(runtime.pool, settings.service, name, data, requestId);
    const { value, instance, attempts } = await runtime.pipeline.run(spec, adapter);
    return { response: value as T, instance, attempts };
  }

  /** Nothing to connect up front: each instance's connections open on first use. */
  connect(): Promise<void> {
    return Promise.resolve();
  }

  /** The connections are the module's, shared by every client, and close with it. */
  close(): void {}

  /** @internal */
  unwrap<T>(): T {
    return this.runtime.pool as T;
  }

  /** Unused: {@link send} is overridden to go through the call pipeline. @internal */
  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('TcpServiceClient sends through send() / call()'), isDisposed: true });
    return () => undefined;
  }

  /** The fast lane is request–response: events are not carried. @internal */
  protected dispatchEvent<T = unknown>(_packet: ReadPacket): Promise<T> {
    return Promise.reject(new Error('The fast lane (TCP) carries calls, not events: use send() or call()'));
  }
}
