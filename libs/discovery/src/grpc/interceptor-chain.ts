import { GrpcCallContext, GrpcCallResult, GrpcClientInterceptor } from './grpc-interceptor.interface';

/** Runs a call through the chain. @internal */
export type GrpcInvoke = (ctx: GrpcCallContext) => Promise<GrpcCallResult>;

/**
 * Composes interceptors around `terminal` once, at client creation: the first interceptor is the
 * outermost. No interceptors: `terminal` itself, so the plain call pays nothing. @internal
 */
export function chainInterceptors(interceptors: readonly GrpcClientInterceptor[], terminal: GrpcInvoke): GrpcInvoke {
  let invoke = terminal;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i];
    const next = invoke;
    invoke = (ctx) => interceptor.intercept(ctx, () => next(ctx));
  }
  return invoke;
}
