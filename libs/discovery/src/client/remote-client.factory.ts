import { Type } from '@nestjs/common';
import { REMOTE_PARAMS_METADATA, REMOTE_ROUTE_METADATA, REMOTE_SERVICE_METADATA } from '../discovery.constants';
import {
  RemoteParamMetadata,
  RemoteRouteMetadata,
  RemoteServiceMetadata,
} from '../decorators/remote-client.metadata';
import { isFallbackable } from '../call/fallback.policy';
import { validateResponse } from './response-validator';
import { ServiceClient } from './service-client';
import { QueryValue, ServiceRequest } from './service-request.interface';

/** One declarative method, compiled once at startup. */
type CompiledCall = (client: ServiceClient, args: unknown[]) => Promise<unknown>;

/**
 * Builds the implementation of a `@RemoteService` class: an object whose prototype is the class
 * prototype (so `instanceof` holds) with every `@RemoteGet`/... method replaced by a precompiled
 * call. Misdeclared methods fail here, at startup, naming the method. @internal
 */
export function createRemoteClient<T extends object>(type: Type<T>, client: ServiceClient): T {
  const service: RemoteServiceMetadata | undefined = Reflect.getMetadata(REMOTE_SERVICE_METADATA, type);
  if (!service) throw new Error(`${type.name} is not decorated with @RemoteService(name)`);
  client.subscribe(service.name);
  const target = Object.create(type.prototype) as T;
  for (const name of methodNames(type.prototype)) {
    const method: unknown = (type.prototype as Record<string, unknown>)[name];
    const route: RemoteRouteMetadata | undefined =
      typeof method === 'function' ? Reflect.getMetadata(REMOTE_ROUTE_METADATA, method) : undefined;
    if (!route) continue;
    // Parameter decorators run last-to-first; argument order is what callers expect for query/header order.
    const params: RemoteParamMetadata[] = [...(Reflect.getMetadata(REMOTE_PARAMS_METADATA, type, name) ?? [])].sort(
      (a: RemoteParamMetadata, b: RemoteParamMetadata) => a.index - b.index,
    );
    const call = compile(service, route, params, `${type.name}.${name}`);
    Object.defineProperty(target, name, {
      value: (...args: unknown[]) => call(client, args),
      enumerable: false,
      writable: false,
      configurable: true,
    });
  }
  return target;
}

function methodNames(prototype: object): Set<string> {
  const names = new Set<string>();
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor') names.add(name);
  }
  return names;
}

/** A path template split once: literals around placeholder argument indexes. */
interface CompiledPath {
  literals: string[];
  argIndexes: number[];
}

function compilePath(template: string, params: RemoteParamMetadata[], where: string): CompiledPath {
  const pieces = template.split(/:([A-Za-z_][A-Za-z0-9_]*)/);
  const literals: string[] = [];
  const argIndexes: number[] = [];
  const bound = new Set<string>();
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) {
      literals.push(pieces[i]);
      continue;
    }
    const param = params.find((p) => p.kind === 'path' && p.name === pieces[i]);
    if (!param) throw new Error(`${where}: path placeholder ":${pieces[i]}" has no @PathParam('${pieces[i]}')`);
    argIndexes.push(param.index);
    bound.add(pieces[i]);
  }
  for (const p of params) {
    if (p.kind === 'path' && !bound.has(p.name)) {
      throw new Error(`${where}: @PathParam('${p.name}') has no ":${p.name}" in "${template}"`);
    }
  }
  return { literals, argIndexes };
}

function compile(
  service: RemoteServiceMetadata,
  route: RemoteRouteMetadata,
  params: RemoteParamMetadata[],
  where: string,
): CompiledCall {
  const path = compilePath(route.path, params, where);
  const queries = params.filter((p) => p.kind === 'query');
  const headers = params.filter((p): p is Extract<RemoteParamMetadata, { kind: 'header' }> => p.kind === 'header');
  const bodies = params.filter((p) => p.kind === 'body');
  if (bodies.length > 1) throw new Error(`${where}: more than one @RequestBody()`);
  const bodyIndex = bodies.length === 1 ? bodies[0].index : -1;
  const defaults = service.options;
  const fixedHeaders = defaults.headers;
  const responseType = route.response;
  const fallback = route.fallback ?? defaults.fallback;

  const validate = (data: unknown): unknown => validateResponse(service.name, responseType, data);
  // Not an async function: one promise per call (the then) instead of two, each paying the request context's hooks.
  return (client, args) => {
    let url = path.literals[0];
    for (let i = 0; i < path.argIndexes.length; i++) {
      url += encodeURIComponent(String(args[path.argIndexes[i]])) + path.literals[i + 1];
    }
    let query: Record<string, QueryValue> | undefined;
    for (const q of queries) {
      const value = args[q.index];
      if (value === undefined || value === null) continue;
      query ??= {};
      if (q.kind === 'query' && q.name !== undefined) query[q.name] = value as QueryValue;
      else Object.assign(query, value);
    }
    let requestHeaders = fixedHeaders;
    for (const h of headers) {
      const value = args[h.index];
      if (value === undefined || value === null) continue;
      requestHeaders = requestHeaders === fixedHeaders ? { ...fixedHeaders } : requestHeaders;
      requestHeaders![h.name] = String(value);
    }
    const request: ServiceRequest = {
      service: service.name,
      method: route.method,
      path: url,
      query,
      body: bodyIndex >= 0 ? args[bodyIndex] : undefined,
      headers: requestHeaders,
      timeoutMs: route.timeoutMs ?? defaults.timeoutMs,
      retries: route.retries ?? defaults.retries,
      deadlineMs: route.deadlineMs,
      hedgeAfterMs: route.hedgeAfterMs,
      strategy: defaults.loadBalancing,
      filter: defaults.filter,
      interceptors: defaults.interceptors,
    };
    const sent = client.request(request);
    if (fallback === undefined) return sent.then(validate);
    return sent.then(validate, (error: unknown) => {
      if (!isFallbackable(error)) throw error;
      return fallback(error, ...args);
    });
  };
}
