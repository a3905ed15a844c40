import { DiscoveryConfigError } from '../config/discovery-config.error';
import { resolveHealthCheck } from '../config/resolve-health-check';
import { endpointCheckBody, mainCheckBody } from './health-check.body';

const NO_ENV: NodeJS.ProcessEnv = {};
const serves = (routes: string[]) => (path: string) => routes.includes(path);
const cannotTell = () => undefined;

describe('mainCheckBody', () => {
  it('sends the default HTTP check when the app serves GET /health', () => {
    expect(mainCheckBody(resolveHealthCheck(undefined, NO_ENV), serves(['/health']))).toEqual({
      type: 'http',
      path: '/health',
      intervalSeconds: 10,
    });
  });

  it('falls back to tcp when the default path is not served, so a serving app is not marked critical', () => {
    expect(mainCheckBody(resolveHealthCheck(undefined, NO_ENV), serves([]))).toEqual({ type: 'tcp', intervalSeconds: 10 });
  });

  it('keeps a configured path even when no such route is seen, and the default when the adapter cannot tell', () => {
    expect(mainCheckBody(resolveHealthCheck({ path: '/status' }, NO_ENV), serves([]))).toMatchObject({ type: 'http', path: '/status' });
    expect(mainCheckBody(resolveHealthCheck(undefined, { DISCOVERY_CHECK_PATH: '/st' }), serves([]))).toMatchObject({ path: '/st' });
    expect(mainCheckBody(resolveHealthCheck(undefined, NO_ENV), cannotTell)).toMatchObject({ type: 'http', path: '/health' });
  });

  it('sends nothing when checks are off', () => {
    expect(mainCheckBody(false, serves(['/health']))).toBeUndefined();
  });
});

describe('endpointCheckBody', () => {
  const main = resolveHealthCheck({ intervalSeconds: 5, failuresBeforeCritical: 2 }, NO_ENV);

  it('probes a gRPC endpoint with grpc.health.v1 and any other with tcp, with the main check thresholds', () => {
    expect(endpointCheckBody(main, { protocol: 'grpc', port: 50051 })).toEqual({
      type: 'grpc',
      service: '',
      intervalSeconds: 5,
      failuresBeforeCritical: 2,
    });
    expect(endpointCheckBody(main, { protocol: 'http', port: 8081 })).toEqual({
      type: 'tcp',
      intervalSeconds: 5,
      failuresBeforeCritical: 2,
    });
  });

  it("takes the endpoint's own check over the defaults", () => {
    expect(endpointCheckBody(main, { protocol: 'grpc', port: 1, check: { type: 'tcp', intervalSeconds: 2 } })).toEqual({
      type: 'tcp',
      intervalSeconds: 2,
      failuresBeforeCritical: 2,
    });
    expect(endpointCheckBody(main, { protocol: 'grpc', port: 1, check: { service: 'calc.Calculator' } })).toMatchObject({
      type: 'grpc',
      service: 'calc.Calculator',
    });
  });

  it('sends none when the endpoint says false, or checks are off and it sets none', () => {
    expect(endpointCheckBody(main, { protocol: 'grpc', port: 1, check: false })).toBeUndefined();
    expect(endpointCheckBody(false, { protocol: 'grpc', port: 1 })).toBeUndefined();
    expect(endpointCheckBody(false, { protocol: 'grpc', port: 1, check: { type: 'tcp' } })).toEqual({ type: 'tcp', intervalSeconds: 10 });
  });

  it('rejects a bad endpoint check, naming the field', () => {
    expect(() => endpointCheckBody(main, { protocol: 'grpc', port: 1, check: { intervalSeconds: 0 } })).toThrow(DiscoveryConfigError);
    expect(() => endpointCheckBody(main, { protocol: 'grpc', port: 1, check: { intervalSeconds: 0 } })).toThrow(/check.intervalSeconds/);
  });
});
