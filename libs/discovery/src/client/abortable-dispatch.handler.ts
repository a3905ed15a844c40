import type { Dispatcher } from 'undici';

/**
 * What the transport's dispatch handlers share: the caller's `signal` aborts the request, as undici's own
 * `request()` does — before it starts (at `onRequestStart`) or while it runs. A subclass calls `done()` once
 * the answer ended or failed. @internal
 */
export abstract class AbortableDispatchHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;

  protected constructor(private readonly signal: AbortSignal | undefined) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal?.aborted) controller.abort(abortReason(this.signal));
  }

  protected done(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = (): void => {
    // Before the request started, onRequestStart aborts it.
    this.controller?.abort(abortReason(this.signal!));
  };
}

/** Why `signal` aborted, as the error a call fails with. @internal */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}
