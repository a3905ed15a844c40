import { resolveHealthCheck } from '../config/resolve-health-check';
import { ResolvedHealthCheck } from '../interfaces/discovery-options.interface';
import { HealthCheckType } from '../interfaces/service-instance.interface';
import { NamedEndpoint } from './named-endpoint.interface';
import { HealthCheckBody } from './registry-api.interface';

/** Whether the app serves `GET path`; undefined when the HTTP adapter cannot tell. @internal */
export type RouteProbe = (path: string) => boolean | undefined;

/**
 * The main endpoint's `check`. A path that is only the default (`/health`, set by neither option nor
 * environment) is checked against the app's routes: an app without that route gets a `tcp` check,
 * since probing a 404 would make the registry mark a serving instance critical. @internal
 */
export function mainCheckBody(check: ResolvedHealthCheck | false, servesGet: RouteProbe): HealthCheckBody | undefined {
  if (check === false) return undefined;
  const { pathIsDefault, ...body } = check;
  if (body.type === 'http' && pathIsDefault && servesGet(body.path as string) === false) {
    const { path: _unserved, ...rest } = body;
    return { ...rest, type: 'tcp' };
  }
  return body;
}

/**
 * A named endpoint's `check`: its own when it sets one, else a probe of the endpoint's
 * protocol — grpc.health.v1 for gRPC, a TCP connect otherwise (the app's HTTP health path may not be
 * served on another port) — with the main check's interval and thresholds. None when the main check
 * is off and the endpoint sets none, or when it sets `false`. @internal
 */
export function endpointCheckBody(
  main: ResolvedHealthCheck | false,
  endpoint: NamedEndpoint,
): HealthCheckBody | undefined {
  if (endpoint.check === false || (main === false && endpoint.check === undefined)) return undefined;
  const type: HealthCheckType = endpoint.check?.type ?? (endpoint.protocol === 'grpc' ? 'grpc' : 'tcp');
  const inherited =
    main === false
      ? {}
      : {
          intervalSeconds: main.intervalSeconds,
          timeoutSeconds: main.timeoutSeconds,
          failuresBeforeCritical: main.failuresBeforeCritical,
          successesBeforePassing: main.successesBeforePassing,
          deregisterCriticalAfterSeconds: main.deregisterCriticalAfterSeconds,
        };
  // Validated like the main check; the environment is not read: its variables describe the main endpoint.
  const resolved = resolveHealthCheck({ ...withoutUndefined(inherited), ...endpoint.check, type }, {}) as ResolvedHealthCheck;
  const { pathIsDefault: _ignored, ...body } = resolved;
  return body;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
