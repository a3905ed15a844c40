/**
 * The attribute names of the library's spans, in one place: OpenTelemetry's semantic conventions where one
 * exists (`server.address`, `http.response.status_code`, `rpc.grpc.status_code`, …), `discovery.*` for the
 * rest. @internal
 */
export const ATTR = {
  service: 'discovery.service',
  protocol: 'discovery.protocol',
  requestId: 'discovery.request_id',
  instanceId: 'discovery.instance.id',
  attempt: 'discovery.attempt',
  attempts: 'discovery.attempts',
  hedge: 'discovery.hedge',
  outcome: 'discovery.outcome',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  httpRoute: 'http.route',
  urlPath: 'url.path',
  rpcSystem: 'rpc.system',
  rpcMethod: 'rpc.method',
  rpcService: 'rpc.service',
  grpcStatus: 'rpc.grpc.status_code',
} as const;

/** The events on a call's span (and the ejection on an attempt's). @internal */
export const EVENT = {
  retry: 'retry',
  waitForInstance: 'waiting for an instance',
  retryRefused: 'retry refused by the retry budget',
  hedge: 'hedge',
  ejected: 'instance ejected',
} as const;

/** A gRPC method's path (`/calc.Calculator/Add`) as spans name it (`calc.Calculator/Add`). @internal */
export function rpcName(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}

/** The `rpc.*` attributes of a gRPC method's span, from its name (`calc.Calculator/Add`). @internal */
export function rpcAttributes(name: string): Record<string, string> {
  const slash = name.lastIndexOf('/');
  return { [ATTR.rpcSystem]: 'grpc', [ATTR.rpcService]: name.slice(0, slash), [ATTR.rpcMethod]: name.slice(slash + 1) };
}
