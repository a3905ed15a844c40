/**
 * A client interceptor, of either protocol: wraps one logical call (all its attempts), onion-style. It may
 * change the context before calling `next()` (every attempt sends what it holds then), and sees the result
 * or the error after. Module interceptors run outside a client's, a client's outside a call's; within a
 * list, the first is the outermost: it sees the call first and its outcome last.
 */
export interface CallInterceptor<C, R> {
  intercept(ctx: C, next: () => Promise<R>): Promise<R>;
}

/**
 * Composes interceptors around `terminal` once: the first interceptor is the outermost. No interceptors:
 * `terminal` itself, so the plain call pays nothing. The HTTP and gRPC clients both run on it. @internal
 */
export function chainInterceptors<C, R>(
  interceptors: readonly CallInterceptor<C, R>[],
  terminal: (ctx: C) => Promise<R>,
): (ctx: C) => Promise<R> {
  let invoke = terminal;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i];
    const next = invoke;
    invoke = (ctx) => interceptor.intercept(ctx, () => next(ctx));
  }
  return invoke;
}
