import { trace } from '@opentelemetry/api';
import { DiscoveryConfigError } from '../config/discovery-config.error';
import { discoveryTracer } from './tracer';
import { startTracing } from './start-tracing';

describe('startTracing', () => {
  afterEach(() => trace.disable());

  it('does nothing without an endpoint, or when the SDK or its exporter is switched off', () => {
    expect(startTracing('calc', {})).toBeUndefined();
    expect(startTracing('calc', { OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeUndefined();
    expect(startTracing('calc', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(startTracing('calc', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(discoveryTracer()).toBeUndefined();
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/thrift' }],
    ['OTEL_TRACES_EXPORTER', { OTEL_TRACES_EXPORTER: 'zipkin' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }],
  ])('fails naming %s when it holds what the app cannot do', (variable, env) => {
    const attempt = () => startTracing('calc', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', ...env });
    expect(attempt).toThrow(DiscoveryConfigError);
    expect(attempt).toThrow(new RegExp(`^Invalid ${variable}:`));
  });

  it.each([['protobuf (the default)', {}], ['JSON', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }]])(
    'registers the SDK exporting %s when an endpoint is set, and shuts it down',
    async (_encoding, env) => {
      const started = startTracing('calc', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', ...env });
      expect(started).toBeDefined();
      expect(discoveryTracer()).toBeDefined();
      await started!.shutdown();
    },
  );
});
