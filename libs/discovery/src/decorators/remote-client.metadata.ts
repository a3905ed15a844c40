import { Type } from '@nestjs/common';
import { InstanceFilter } from '../client/service-request.interface';
import { HttpMethod } from '../client/service-request.interface';
import { StrategySpec } from '../load-balancing/strategy.registry';

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
}

/** Options of the `@RemoteGet`/`@RemotePost`/... decorators. */
export interface RemoteRouteOptions {
  /** Class the answer must be an instance of (class-transformer + class-validator); arrays are checked element-wise. */
  response?: Type;
  timeoutMs?: number;
  retries?: number;
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
