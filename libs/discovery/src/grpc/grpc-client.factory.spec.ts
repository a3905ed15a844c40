import { config, StaticSource } from '../client/test-support/fixtures';
import { DiscoveryConfigError } from '../config/discovery-config.error';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { GrpcChannelPool } from './channel-pool';
import { GrpcClientFactory } from './grpc-client.factory';
import { GrpcClientOptions } from './grpc-client-options.interface';
import { CALC_PROTO, CALC_SERVICE } from './test-support/grpc-fixtures';

describe('GrpcClientFactory', () => {
  const cfg = config();
  const factory = new GrpcClientFactory(cfg, new StaticSource(), new OutlierEjection(cfg.outlierEjection), new GrpcChannelPool());
  const base: GrpcClientOptions = { service: 'calc', protoPath: CALC_PROTO, grpcService: CALC_SERVICE };
  const failure = (options: Partial<GrpcClientOptions>): unknown => {
    try {
      factory.create({ ...base, ...options });
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('builds a client of every unary method of the proto service', () => {
    const client = factory.create(base);
    expect(client.service).toBe('calc');
    expect(client.methods.sort()).toEqual(['Add', 'Div', 'Mul', 'Sub']);
  });

  it('fails at creation, naming the option, on a bad proto, service, method or setting', () => {
    expect(failure({ protoPath: '/nowhere/calc.proto' })).toMatchObject({ option: 'protoPath', message: expect.stringMatching(/Cannot load the gRPC proto/) });
    expect(failure({ grpcService: 'calc.Nope' })).toMatchObject({
      option: 'grpcService',
      message: expect.stringContaining('services: calc.Calculator'),
    });
    expect(failure({ idempotent: ['Add', 'Pow'] })).toMatchObject({
      option: 'idempotent',
      message: expect.stringContaining('no method "Pow" (methods: Add, Sub, Mul, Div)'),
    });
    expect(failure({ deadlineMs: 0 })).toMatchObject({ option: 'deadlineMs' });
    expect(failure({ retries: -1 })).toMatchObject({ option: 'retries' });
    expect(failure({ interceptors: [{} as never] })).toMatchObject({ option: 'interceptors' });
    expect(failure({ service: '' })).toBeInstanceOf(DiscoveryConfigError);
  });

  it('rejects a call to a method the service does not have', async () => {
    const client = factory.create(base);
    await expect(client.call('Pow' as never, {} as never)).rejects.toThrow(/calc.Calculator has no unary method "Pow"/);
  });
});
