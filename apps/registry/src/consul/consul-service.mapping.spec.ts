import { ConsulBadRequestError } from '../errors/consul-bad-request.error';
import { AGENT_HELD_TTL_SECONDS } from './consul.constants';
import { mapConsulService } from './consul-service.mapping';

const CALLER = '127.0.0.9';

function refused(body: unknown): string {
  try {
    mapConsulService(body, CALLER);
  } catch (error) {
    expect(error).toBeInstanceOf(ConsulBadRequestError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('mapConsulService', () => {
  it("maps a service with an HTTP check on its own address, Consul's thresholds and weights", () => {
    expect(
      mapConsulService(
        {
          Name: 'web',
          ID: 'web-1',
          Address: '127.0.0.2',
          Port: 8080,
          Tags: ['v2'],
          Meta: { zone: 'a' },
          Weights: { Passing: 5, Warning: 1 },
          Check: { HTTP: 'http://127.0.0.2:8080/health?deep=1', Interval: '1500ms', Timeout: '1s', DeregisterCriticalServiceAfter: '90s', FailuresBeforeCritical: 2 },
        },
        CALLER,
      ),
    ).toEqual({
      body: {
        id: 'web-1',
        name: 'web',
        host: '127.0.0.2',
        port: 8080,
        protocol: 'http',
        tags: ['v2'],
        metadata: { zone: 'a' },
        weight: 5,
        check: {
          type: 'http',
          path: '/health?deep=1',
          intervalSeconds: 2,
          timeoutSeconds: 1,
          failuresBeforeCritical: 2,
          successesBeforePassing: 1,
          deregisterCriticalAfterSeconds: 90,
        },
      },
      ttlSeconds: AGENT_HELD_TTL_SECONDS,
    });
  });

  it("defaults the id to the name and the address to the caller's, and holds a service without a TTL", () => {
    expect(mapConsulService({ Name: 'db', Port: 5432 }, CALLER)).toEqual({
      body: { id: 'db', name: 'db', host: CALLER, port: 5432 },
      ttlSeconds: AGENT_HELD_TTL_SECONDS,
    });
  });

  it('maps a TTL check onto the instance lifetime, and Status critical onto its start', () => {
    expect(mapConsulService({ Name: 'job', Address: '127.0.0.3', Port: 1, Checks: [{ TTL: '15s', Status: 'critical' }] }, CALLER)).toMatchObject({
      ttlSeconds: 15,
      initialStatus: 'critical',
    });
  });

  it('maps TCP and gRPC checks (gRPC with its service name)', () => {
    const tcp = mapConsulService({ Name: 'a', Address: '127.0.0.2', Port: 9000, Check: { TCP: '127.0.0.2:9000', Interval: '5s' } }, CALLER);
    expect(tcp.body.check).toMatchObject({ type: 'tcp', intervalSeconds: 5 });
    const grpc = mapConsulService({ Name: 'a', Address: '::1', Port: 50051, Check: { GRPC: '[::1]:50051/calc.Calculator', Interval: '5s' } }, CALLER);
    expect(grpc.body.check).toMatchObject({ type: 'grpc', service: 'calc.Calculator' });
  });

  it.each([
    [{ Name: 'a', Address: '127.0.0.2', Port: 80, Check: { HTTP: 'http://127.0.0.3:80/', Interval: '1s' } }, /own address 127\.0\.0\.2:80/],
    [{ Name: 'a', Address: '127.0.0.2', Port: 80, Check: { HTTP: 'http://127.0.0.2:81/', Interval: '1s' } }, /own address/],
    [{ Name: 'a', Address: '127.0.0.2', Port: 80, Check: { TCP: 'example.com:80', Interval: '1s' } }, /own address/],
    [{ Name: 'a', Address: '127.0.0.2', Port: 80, Check: { GRPC: '127.0.0.2:81', Interval: '1s' } }, /own address/],
    [{ Name: 'a', Address: '127.0.0.2', Port: 80, Check: { HTTP: 'http://127.0.0.2:80/' } }, /Interval must be > 0/],
    [{ Name: 'a', Port: 80, Check: { Args: ['/bin/true'], Interval: '1s' } }, /Args checks are not supported/],
    [{ Name: 'a', Port: 80, Checks: [{ TTL: '5s' }, { TTL: '6s' }] }, /At most one check/],
    [{ Name: 'a', Port: 80, Check: { TTL: '2h' } }, /TTL must be between/],
    [{ Name: 'a', Port: 80, Check: { TTL: 'soon' } }, /invalid duration/],
    [{ Name: 'a', Port: 80, Check: { TTL: '5s', CheckID: 'mine' } }, /CheckID must be service:a/],
    [{ Name: 'a', Port: 80, Check: { Notes: 'x' } }, /one of HTTP, TCP, GRPC or TTL/],
    [{ Port: 80 }, /Missing service name/],
    [{ Name: 'a' }, /Port is required/],
    [{ Name: 'a', Port: 80, Tags: 'v1' }, /Tags must be an array of strings/],
    [{ Name: 'a', Port: 80, Meta: { n: 1 } }, /Meta must be an object of strings/],
    [{ Name: 'a', Port: 80, Weights: { Passing: 0 } }, /Passing must be greater than 0/],
    [{ Name: 'a', Port: 80, Connect: { Native: true } }, /Connect is not supported/],
    [[], /must be a JSON object/],
  ])('refuses %j', (body, message) => expect(refused(body)).toMatch(message));
});
