/** A client interceptor of any protocol: wraps one logical call (all its attempts), onion-style. @internal */
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
