import { connect, Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from './tcp-frame.codec';
import { TcpReplyFrame, TcpRequestFrame } from './tcp-frame';
import { TcpCancelledError, TcpTimeoutError, TcpTransportError } from './tcp-transport.error';
import { TcpWriteBatcher } from './tcp-write.batcher';

/** What a call sends, besides its id. @internal */
export interface TcpCallRequest {
  readonly pattern: unknown;
  readonly data?: unknown;
  /** Relative budget to send (ms), when the call has a deadline. */
  readonly budgetMs?: number;
  readonly requestId?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One call waiting for its answer. */
interface Pending {
  resolve(reply: TcpReplyFrame): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Handed to a connected socket: from then on the server may have seen it. */
  written: boolean;
  frame: Buffer | undefined;
}

type State = 'connecting' | 'open' | 'draining' | 'closed';

/**
 * One persistent connection to a fast-lane server, multiplexing any number of calls (each frame carries
 * its request id, answers come in any order). Calls made while it connects are queued and written once it
 * is up; if it never comes up they fail as never sent. A connection lost with calls in flight fails them
 * with a {@link TcpTransportError} (`neverSent` false: the server may have run them). A server's GOAWAY
 * (it is stopping) makes it `draining`: no new calls, and it closes once the last answer arrived. @internal
 */
export class TcpConnection {
  private readonly socket: Socket;
  private readonly out: TcpWriteBatcher;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder: FrameDecoder;
  private state: State = 'connecting';
  /** Close once the last call in flight settles (GOAWAY, or the instance left). */
  private idleClose = false;
  private nextId = 1;

  constructor(
    host: string,
    port: number,
    private readonly onGone: (connection: TcpConnection) => void,
  ) {
    this.decoder = new FrameDecoder((frame) => this.onFrame(frame as TcpReplyFrame & { g?: 1 }));
    this.socket = connect({ host, port, noDelay: true });
    this.out = new TcpWriteBatcher(this.socket);
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk);
      } catch (error) {
        this.socket.destroy(error as Error);
      }
    });
    this.socket.on('error', () => undefined); // 'close' follows with the outcome; the error is read there
    this.socket.on('close', () => this.onClose());
    this.socket.on('drain', () => this.flushWaiters());
  }

  /** Takes new calls. */
  get usable(): boolean {
    return !this.idleClose && (this.state === 'connecting' || this.state === 'open');
  }

  /** Calls awaiting their answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Whether the socket's send buffer is past its high-water mark (the server or the network is slow). */
  get congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  private drainWaiters: Array<() => void> | undefined;

  /** Resolves once the send buffer has room again (at once when it has). */
  writable(): Promise<void> {
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  private flushWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = undefined;
    for (const waiter of waiters ?? []) waiter();
  }

  /** Sends one call; resolves with the server's reply frame (success or failure), rejects on transport trouble. */
  call(request: TcpCallRequest, timeoutMs: number, signal?: AbortSignal): Promise<TcpReplyFrame> {
    if (!this.usable) return Promise.reject(new TcpTransportError('the connection is closing', 'ECLOSED', true));
    if (signal?.aborted) return Promise.reject(new TcpCancelledError());
    const id = this.nextId++;
    // Built with every field present, so every request frame shares one shape.
    const frame: TcpRequestFrame = { i: id, p: request.pattern, d: request.data, t: request.budgetMs, r: request.requestId, h: request.headers };
    let bytes: Buffer;
    try {
      bytes = encodeFrame(frame);
    } catch (error) {
      // Data that cannot be sent (a cycle, a BigInt, too large): the caller's mistake, nothing left.
      return Promise.reject(new TcpTransportError(`the call's data cannot be encoded: ${(error as Error).message}`, 'EENCODE', true));
    }
    return new Promise<TcpReplyFrame>((resolve, reject) => {
      const entry: Pending = { resolve, reject, timer: undefined, signal, onAbort: undefined, written: false, frame: undefined };
      if (Number.isFinite(timeoutMs)) {
        entry.timer = setTimeout(() => this.fail(id, new TcpTimeoutError(timeoutMs)), Math.max(0, timeoutMs));
      }
      if (signal !== undefined) {
        entry.onAbort = () => this.fail(id, new TcpCancelledError());
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.pending.set(id, entry);
      if (this.state === 'open') {
        entry.written = true;
        this.out.write(bytes);
      } else {
        entry.frame = bytes;
      }
    });
  }

  /** Closes the connection at once; calls in flight fail. */
  close(): void {
    this.state = 'closed';
    this.socket.destroy();
  }

  /**
   * Takes no new call and closes once the calls in flight have their answers (or timed out): how a connection
   * to an instance that left the registry — drained, stopping — is let go without failing what it carries.
   */
  closeWhenIdle(): void {
    if (this.state === 'closed') return;
    if (this.state === 'connecting' && this.pending.size === 0) {
      this.close();
      return;
    }
    this.state = this.state === 'connecting' ? 'connecting' : 'draining';
    this.idleClose = true;
    if (this.pending.size === 0) this.socket.end();
  }

  private onConnect(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    // The calls queued while connecting, in call order; those that timed out or were cancelled meanwhile left the map.
    const queued: Buffer[] = [];
    for (const entry of this.pending.values()) {
      if (entry.frame === undefined) continue;
      queued.push(entry.frame);
      entry.frame = undefined;
      entry.written = true;
    }
    if (queued.length > 0) this.socket.write(queued.length === 1 ? queued[0] : Buffer.concat(queued));
  }

  private onFrame(frame: TcpReplyFrame & { g?: 1 }): void {
    if (frame.i === 0) {
      if (frame.g === 1) this.goAway();
      return;
    }
    const entry = this.pending.get(frame.i);
    if (entry === undefined) return; // timed out or cancelled: nobody waits for it
    this.pending.delete(frame.i);
    this.settle(entry);
    entry.resolve(frame);
    if ((this.state === 'draining' || this.idleClose) && this.pending.size === 0) this.socket.end();
  }

  /** The server is stopping: no new calls here; end our side once the last answer came. */
  private goAway(): void {
    if (this.state !== 'open') return;
    this.state = 'draining';
    this.onGone(this);
    if (this.pending.size === 0) this.socket.end();
  }

  private fail(id: number, error: Error): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    this.settle(entry);
    entry.reject(error);
    if ((this.state === 'draining' || this.idleClose) && this.pending.size === 0 && this.state !== 'closed') this.socket.end();
  }

  private settle(entry: Pending): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    if (entry.onAbort !== undefined) entry.signal!.removeEventListener('abort', entry.onAbort);
  }

  private onClose(): void {
    const wasConnecting = this.state === 'connecting';
    this.state = 'closed';
    this.onGone(this);
    this.flushWaiters();
    const cause = (this.socket.errored as (Error & { code?: string }) | null) ?? undefined;
    const code = cause?.code ?? 'ECLOSED';
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      this.settle(entry);
      // Unwritten (still queued while connecting): the server never saw it.
      const neverSent = wasConnecting || !entry.written;
      entry.reject(new TcpTransportError(cause?.message ?? 'the connection closed', code, neverSent));
    }
  }
}
