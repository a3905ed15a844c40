import { loadCalcConfig } from './calc.config';

describe('loadCalcConfig', () => {
  it('defaults to HTTP 3200, gRPC 50051 and the fast lane 4200 on all interfaces', () => {
    expect(loadCalcConfig({})).toEqual({
      port: 3200,
      host: '0.0.0.0',
      grpcPort: 50051,
      grpcHost: '0.0.0.0',
      tcpPort: 4200,
      tcpHost: '0.0.0.0',
    });
  });

  it('reads PORT, HOST, GRPC_PORT (0 = a free one) and GRPC_HOST', () => {
    expect(loadCalcConfig({ PORT: '0', HOST: '127.0.0.1', GRPC_PORT: '0' })).toEqual({
      port: 0,
      host: '127.0.0.1',
      grpcPort: 0,
      grpcHost: '127.0.0.1',
      tcpPort: 0,
      tcpHost: '127.0.0.1',
    });
    expect(loadCalcConfig({ GRPC_HOST: '::' }).grpcHost).toBe('::');
  });

  it('gives gRPC a free port too when PORT is 0, unless GRPC_PORT is set', () => {
    expect(loadCalcConfig({ PORT: '0' })).toMatchObject({ port: 0, grpcPort: 0 });
    expect(loadCalcConfig({ PORT: '0', GRPC_PORT: '' })).toMatchObject({ port: 0, grpcPort: 0 });
    expect(loadCalcConfig({ PORT: '0', GRPC_PORT: '50061' })).toMatchObject({ port: 0, grpcPort: 50061 });
    expect(loadCalcConfig({ PORT: '3201' })).toMatchObject({ port: 3201, grpcPort: 50051 });
  });

  it('gives the fast lane a free port too when PORT is 0, unless TCP_PORT is set; TCP_HOST binds it', () => {
    expect(loadCalcConfig({ PORT: '0' })).toMatchObject({ tcpPort: 0 });
    expect(loadCalcConfig({ PORT: '0', TCP_PORT: '4301' })).toMatchObject({ tcpPort: 4301 });
    expect(loadCalcConfig({ PORT: '3201' })).toMatchObject({ tcpPort: 4200 });
    expect(loadCalcConfig({ TCP_HOST: '127.0.0.1' }).tcpHost).toBe('127.0.0.1');
  });

  it('fails naming the variable', () => {
    expect(() => loadCalcConfig({ GRPC_PORT: '70000' })).toThrow(/^GRPC_PORT must be an integer/);
    expect(() => loadCalcConfig({ TCP_PORT: 'x' })).toThrow(/^TCP_PORT must be an integer/);
  });
});
