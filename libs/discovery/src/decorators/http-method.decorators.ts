import { SetMetadata } from '@nestjs/common';
import { HttpMethod } from '../client/service-request.interface';
import { REMOTE_ROUTE_METADATA } from '../discovery.constants';
import { RemoteRouteMetadata, RemoteRouteOptions } from './remote-client.metadata';

function route(method: HttpMethod) {
  return (path: string, options: RemoteRouteOptions = {}): MethodDecorator => {
    const metadata: RemoteRouteMetadata = { ...options, method, path };
    return SetMetadata(REMOTE_ROUTE_METADATA, metadata);
  };
}

/** Declares a GET call; `path` may hold `:name` placeholders bound by `@PathParam('name')`. */
export const RemoteGet = route('GET');
/** Declares a POST call (retried only when nothing was sent). */
export const RemotePost = route('POST');
/** Declares a PUT call. */
export const RemotePut = route('PUT');
/** Declares a PATCH call (retried only when nothing was sent). */
export const RemotePatch = route('PATCH');
/** Declares a DELETE call. */
export const RemoteDelete = route('DELETE');
