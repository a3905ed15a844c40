import { Type } from '@nestjs/common';
import { InstanceFilter } from '../client/service-request.interface';
import { HttpMethod } from '../client/service-request.interface';
import { StrategySpec } from '../load-balancing/strategy.registry';
import type { HttpClientInterceptor } from '../client/http-interceptor.interface';
import type { DiscoveryError } from '../errors/discovery.error';

/**
 * What a declarative method answers instead when its call failed for want of a healthy service: after its
 * retries (an unreachable instance, a timeout, a 5xx), with no instance to call, with every instance's
 * circuit open, or with the deadline spent. Never for a 4xx (the caller's mistake) or a response that fails
 * validation. Called with the typed error and the method's arguments; what it returns (or throws) is the
 * method's result.
 */
export type RemoteFallback = (error: DiscoveryError, ...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Options of {@link RemoteService}: defaults for every method of the client. */
export interface RemoteServiceOptions {
  /** Strategy for this client's calls. Default the module's `loadBalancing`. */
  loadBalancing?: StrategySpec;
  timeoutMs?: number;
  retries?: number;
  /** Only instances matching this filter are called. */
  filter?: InstanceFilter;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
  /** This client's interceptors, inside the module's (see `HttpClientInterceptor`). */
  interceptors?: HttpClientInterceptor[];
  /** Every method's fallback, unless the method has its own (see {@link RemoteFallback}). */
  fallback?: RemoteFallback;
}

/** Options of the `@RemoteGet`/`@RemotePost`/... decorators. */
export interface RemoteRouteOptions {
  /** Class the answer must be an instance of (class-transformer + class-validator); arrays are checked element-wise. */
  response?: Type;
  timeoutMs?: number;
  retries?: number;
  /** The whole call's budget, every attempt included (see `ServiceRequest.deadlineMs`). */
  deadlineMs?: number;
  /** Idempotent methods only: hedge after this many ms (see `ServiceRequest.hedgeAfterMs`). */
  hedgeAfterMs?: number;
  /** What the method answers when the service cannot (see {@link RemoteFallback}). */
  fallback?: RemoteFallback;
}

/** @internal */
export interface RemoteServiceMetadata {
  name: string;
  options: RemoteServiceOptions;
}

/** @internal */
export interface RemoteRouteMetadata extends RemoteRouteOptions {
  method: HttpMethod;
  path: string;
}

/** @internal */
export type RemoteParamMetadata =
  | { kind: 'path'; index: number; name: string }
  | { kind: 'query'; index: number; name: string | undefined }
  | { kind: 'body'; index: number }
  | { kind: 'header'; index: number; name: string };
