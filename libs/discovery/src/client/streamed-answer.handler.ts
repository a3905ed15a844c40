import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AbortableDispatchHandler } from './abortable-dispatch.handler';
import { TransportResponse } from './http-transport.interface';
import { ShortAnswer } from './short-answer';

/**
 * An undici dispatch handler for a streamed call (`TransportRequest.bufferUpToBytes` set): an answer of a
 * known length up to that is read whole and resolved as a {@link ShortAnswer} — no body stream, no request
 * handler, no consumer: what a reverse proxy forwarding small answers spends most on through `pool.request()`;
 * any other answer resolves at its headers with a body stream fed (and paused, for backpressure) by the
 * dispatcher, as `pool.request()` would. A failure before the answer resolves rejects (the call path may
 * then retry: nothing reached the caller); after, it destroys the body. The caller's `signal` aborts the
 * request. @internal
 */
export class StreamedAnswerHandler extends AbortableDispatchHandler {
  private statusCode = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  /** Reading a short answer whole: its chunks so far. */
  private chunks: Buffer[] | undefined;
  /** Streaming: the body handed to the caller. */
  private body: Readable | undefined;
  private ended = false;

  constructor(
    private readonly resolve: (response: TransportResponse) => void,
    private readonly reject: (error: Error) => void,
    signal: AbortSignal | undefined,
    private readonly bufferUpToBytes: number,
  ) {
    super(signal);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
    const length = Number(headers['content-length']);
    if (length <= this.bufferUpToBytes) {
      this.chunks = [];
      return;
    }
    this.body = new Readable({
      read: () => controller.resume(),
      destroy: (error, callback) => {
        // The caller gave up on the body: stop the transfer (the connection is not reused mid-answer).
        if (!this.ended) controller.abort(error ?? new Error('The answer body was destroyed before its end'));
        callback(error);
      },
    });
    this.resolve({ statusCode, headers, body: this.body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.chunks !== undefined) this.chunks.push(chunk);
    else if (this.body !== undefined && !this.body.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.ended = true;
    this.done();
    if (this.chunks !== undefined) {
      const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.resolve(new ShortAnswer(this.statusCode, this.headers, bytes));
    } else if (this.body !== undefined) {
      this.body.push(null);
    } else {
      // Only 1xx answers, then the end: nothing a caller can use.
      this.reject(new Error('The answer ended before its status'));
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.ended = true;
    this.done();
    if (this.body !== undefined) this.body.destroy(error);
    else this.reject(error);
  }
}
