import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { createServer, Server as NetServer, Socket } from 'node:net';
import { isObservable, Observable } from 'rxjs';
import { TcpCallContext } from './tcp-call.context';
import { TcpCallLog } from './tcp-call.log';
import { tcpFailureOf } from './tcp-error.mapping';
import { encodeFrame, FrameDecoder } from './tcp-frame.codec';
import { TCP_STATUS, TcpRequestFrame } from './tcp-frame';
import { TcpWriteBatcher } from './tcp-write.batcher';

/** Where {@link DiscoveryTcpServer} listens, and how it stops. */
export interface DiscoveryTcpServerOptions {
  host: string;
  /** 0: a free port; {@link DiscoveryTcpServer.port} tells which once listening. */
  port: number;
  /** How long a graceful stop waits for the calls in flight before it drops their connections. Default 10 000 ms. */
  closeTimeoutMs?: number;
  /** Request ids in the app's log lines and in the calls its handlers make (see {@link TcpCallLog}). */
  callLog?: TcpCallLog;
  /** Calls one connection may have running at once; its further frames wait unread. Default 1024. */
  maxCallsPerConnection?: number;
}

/** One accepted connection. */
interface Peer {
  readonly socket: Socket;
  readonly out: TcpWriteBatcher;
  decoder: FrameDecoder | undefined;
  inFlight: number;
  /** Its answers are not being read (the send buffer is past its high-water mark): read none of its requests. */
  congested: boolean;
}

const GO_AWAY = encodeFrame({ i: 0, g: 1 });
/** After the last call in flight, how long a stopping server lets its peers close their side before dropping them. */
const PEER_CLOSE_GRACE_MS = 1000;

/**
 * The fast lane's server: Nest `@MessagePattern` handlers served over persistent TCP connections carrying
 * length-prefixed JSON frames (see `tcp-frame.ts`), many calls at once per connection, answered in any order.
 * Chosen over Nest's own TCP transport, whose per-message RxJS plumbing, JSON-in-a-string framing and one call
 * in flight per client socket cost more than the call itself on this project's hop (README, "Fast lane").
 *
 * - A frame's budget (`t`) becomes the call's deadline: a call whose budget is spent on arrival is answered
 *   504 without running; its handler sees the deadline (`TcpCallContext`, and the request context with a
 *   `callLog`).
 * - Handlers returning a value or a promise are answered without RxJS; an Observable's last value is the answer.
 * - Backpressure: while a connection's answers are not read (its send buffer past the high-water mark), or it
 *   has `maxCallsPerConnection` calls running, its requests are not read (nor those already received run).
 * - Graceful stop (`close()`, when the Nest app closes): stops accepting connections, sends every peer a
 *   GOAWAY (take no new calls here), refuses calls arriving after it unprocessed (503, marked so any caller
 *   may retry elsewhere), answers those in flight, then closes; bounded by `closeTimeoutMs`.
 *
 * @example
 * ```ts
 * const tcp = new DiscoveryTcpServer({ host: '0.0.0.0', port: 0 });
 * app.connectMicroservice({ strategy: tcp }, { inheritAppConfig: true });
 * await app.startAllMicroservices();
 * app.get(RegistrationService).addEndpoint({ name: 'tcp', protocol: 'tcp', port: tcp.port });
 * ```
 */
export class DiscoveryTcpServer extends Server implements CustomTransportStrategy {
  private server: NetServer | undefined;
  private readonly peers = new Set<Peer>();
  private inFlight = 0;
  private closing = false;
  private idleWaiter: (() => void) | undefined;
  private bound: number | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: DiscoveryTcpServerOptions) {
    super();
  }

  /** The port the server listens on; known once the app's microservices have started. */
  get port(): number {
    if (this.bound === undefined) throw new Error('The fast-lane (TCP) server is not listening yet');
    return this.bound;
  }

  /** Calls being handled now. */
  get callsInFlight(): number {
    return this.inFlight;
  }

  listen(callback: (error?: unknown) => void): void {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    server.once('error', (error) => callback(error));
    server.listen(this.options.port, this.options.host, () => {
      const address = server.address();
      this.bound = typeof address === 'object' && address !== null ? address.port : this.options.port;
      this._status$.next('connected');
      callback();
    });
  }

  /** The graceful stop; every caller waits for the same one. */
  close(): Promise<void> {
    this.closed ??= this.stop();
    return this.closed;
  }

  private async stop(): Promise<void> {
    if (this.server === undefined) return;
    this.closing = true;
    const stopped = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const peer of this.peers) peer.socket.write(GO_AWAY);
    const limit = this.options.closeTimeoutMs ?? 10_000;
    await this.until(() => this.inFlight === 0, limit);
    // Peers close their side once their last answer came (GOAWAY); a peer that does not is dropped.
    await this.until(() => this.peers.size === 0, PEER_CLOSE_GRACE_MS);
    for (const peer of this.peers) peer.socket.destroy();
    this.peers.clear();
    await stopped;
    this._status$.next('disconnected');
  }

  /** Listens to the underlying `net.Server`'s events (once listening). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's signature
  on<EventKey extends string = string, EventCallback extends Function = Function>(event: EventKey, callback: EventCallback): void {
    this.server?.on(event, callback as unknown as (...args: unknown[]) => void);
  }

  unwrap<T>(): T {
    if (this.server === undefined) throw new Error('The fast-lane (TCP) server is not listening yet');
    return this.server as T;
  }

  /** Resolves once `done()` holds (checked whenever a call or connection ends), or after `ms`. */
  private until(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.idleWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.idleWaiter = () => {
        if (done()) finish();
      };
    });
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const peer: Peer = { socket, out: new TcpWriteBatcher(socket), decoder: undefined, inFlight: 0, congested: false };
    const limit = this.options.maxCallsPerConnection ?? 1024;
    const decoder = new FrameDecoder(
      (frame) => this.onFrame(peer, frame as TcpRequestFrame),
      () => {
        if (!peer.congested && peer.inFlight < limit) return true;
        socket.pause();
        return false;
      },
    );
    peer.decoder = decoder;
    this.peers.add(peer);
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch {
        socket.destroy(); // not frames: nothing on this connection can be trusted
      }
    });
    socket.on('drain', () => {
      peer.congested = false;
      this.unblock(peer);
    });
    socket.on('error', () => undefined); // a peer that went away: 'close' follows
    socket.on('close', () => {
      this.peers.delete(peer);
      this.idleWaiter?.();
    });
  }

  /** Reads a held-back peer again once it reads its answers and has room for more calls. */
  private unblock(peer: Peer): void {
    if (peer.congested || peer.inFlight >= (this.options.maxCallsPerConnection ?? 1024) || !peer.socket.isPaused()) return;
    peer.socket.resume();
    try {
      peer.decoder?.resume();
    } catch {
      peer.socket.destroy();
    }
  }

  private onFrame(peer: Peer, frame: TcpRequestFrame): void {
    const id = frame?.i;
    if (typeof id !== 'number' || !(id > 0)) {
      peer.socket.destroy();
      return;
    }
    if (this.closing) {
      this.reply(peer, { i: id, s: TCP_STATUS.stopping, m: 'the server is stopping', n: 1 });
      return;
    }
    const pattern = typeof frame.p === 'string' ? frame.p : this.getPatternAsString(frame.p);
    // The pattern as sent is the handler's key (the client normalises it): a Map lookup, no JSON.parse.
    const handler = this.messageHandlers.get(pattern) ?? this.getHandlerByPattern(pattern);
    if (handler === null || handler.isEventHandler) {
      this.reply(peer, { i: id, s: TCP_STATUS.notFound, m: `no handler for pattern ${pattern}` });
      return;
    }
    let deadline: number | undefined;
    if (typeof frame.t === 'number') {
      // Spent before it ran: the caller has given up, so the work is dropped.
      if (frame.t <= 0) {
        this.reply(peer, { i: id, s: TCP_STATUS.deadline, m: 'the call’s budget was spent before it ran' });
        return;
      }
      deadline = Date.now() + frame.t;
    }
    this.run(peer, id, handler, pattern, frame, deadline);
  }

  private run(peer: Peer, id: number, handler: MessageHandler, pattern: string, frame: TcpRequestFrame, deadline: number | undefined): void {
    const log = this.options.callLog;
    const requestId = typeof frame.r === 'string' ? frame.r : log !== undefined ? randomUUID() : undefined;
    const context = new TcpCallContext([pattern, requestId, deadline]);
    const started = log !== undefined ? performance.now() : 0;
    peer.inFlight++;
    this.inFlight++;
    const invoke = (): Promise<unknown> => handler(frame.d, context) as Promise<unknown>;
    let result: Promise<unknown>;
    try {
      result = log !== undefined ? log.scope(requestId!, deadline, invoke) : invoke();
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(settleValue).then(
      (value) => this.done(peer, id, undefined, value, requestId, pattern, started),
      (error: unknown) => this.done(peer, id, error, undefined, requestId, pattern, started),
    );
  }

  private done(peer: Peer, id: number, error: unknown, value: unknown, requestId: string | undefined, pattern: string, started: number): void {
    peer.inFlight--;
    this.inFlight--;
    let status = 200;
    if (error === undefined) {
      this.reply(peer, { i: id, d: value });
    } else {
      const failure = tcpFailureOf(error);
      status = failure.status;
      this.reply(peer, { i: id, s: failure.status, m: failure.message });
    }
    this.options.callLog?.finished(requestId!, pattern, status, performance.now() - started);
    if (peer.socket.isPaused()) this.unblock(peer);
    if (this.inFlight === 0) this.idleWaiter?.();
  }

  private reply(peer: Peer, frame: object): void {
    const { socket } = peer;
    if (socket.destroyed) return;
    let bytes: Buffer;
    try {
      bytes = encodeFrame(frame);
    } catch (error) {
      bytes = encodeFrame({ i: (frame as { i: number }).i, s: TCP_STATUS.internal, m: `the answer cannot be encoded: ${(error as Error).message}` });
    }
    // Backpressure: a peer that does not read its answers gets no more of its requests read until it does.
    if (!peer.out.write(bytes)) {
      peer.congested = true;
      socket.pause();
    }
  }
}

/** A handler's result: a value, or an Observable's last value (Nest's exception filters answer with one). */
function settleValue(result: unknown): unknown {
  if (!isObservable(result)) return result;
  return new Promise((resolve, reject) => {
    let last: unknown;
    (result as Observable<unknown>).subscribe({ next: (value) => (last = value), error: reject, complete: () => resolve(last) });
  });
}
