import { REMOTE_PARAMS_METADATA } from '../discovery.constants';
import { RemoteParamMetadata } from './remote-client.metadata';

type ParamWithoutIndex = RemoteParamMetadata extends infer P
  ? P extends RemoteParamMetadata
    ? Omit<P, 'index'>
    : never
  : never;

function param(meta: ParamWithoutIndex): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey === undefined) throw new Error('Remote parameter decorators apply to methods only');
    const existing: RemoteParamMetadata[] =
      Reflect.getMetadata(REMOTE_PARAMS_METADATA, target.constructor, propertyKey) ?? [];
    Reflect.defineMetadata(
      REMOTE_PARAMS_METADATA,
      [...existing, { ...meta, index } as RemoteParamMetadata],
      target.constructor,
      propertyKey,
    );
  };
}

/** Binds the argument to the `:name` placeholder of the path (URI-encoded). */
export function PathParam(name: string): ParameterDecorator {
  return param({ kind: 'path', name });
}

/** Binds the argument to the query parameter `name`, or, without a name, spreads an object of parameters. */
export function QueryParam(name?: string): ParameterDecorator {
  return param({ kind: 'query', name });
}

/** Sends the argument as the body (JSON unless a Buffer or string). */
export function RequestBody(): ParameterDecorator {
  return param({ kind: 'body' });
}

/** Sends the argument as the header `name` (skipped when undefined). */
export function RequestHeader(name: string): ParameterDecorator {
  return param({ kind: 'header', name: name.toLowerCase() });
}
