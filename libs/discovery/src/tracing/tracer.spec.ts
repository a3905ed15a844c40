import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-node';
import { instance, json, makeClient, startServer, StaticSource } from '../client/test-support/fixtures';
import { CallTracing } from './call-tracing';
import { discoveryTracer } from './tracer';

// A spec file of its own: the API's global provider is per test file (each runs in its own context).
describe('tracing off: no tracer provider registered', () => {
  afterAll(() => trace.disable());

  it('gives the pipeline no tracing at all, and a call sends no traceparent', async () => {
    expect(discoveryTracer()).toBeUndefined();
    expect(CallTracing.create('http')).toBeUndefined();
    const s = await startServer((req, res) => json(res, 200, { traceparent: req.headers.traceparent ?? null }));
    const c = makeClient(new StaticSource().set('svc', [instance('a', s.port)]));
    try {
      expect(await c.client.request({ service: 'svc', path: '/' })).toEqual({ traceparent: null });
    } finally {
      await c.close();
      await s.close();
    }
  });

  it('finds the tracer once a provider is registered', () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    expect(discoveryTracer()).toBeDefined();
    expect(CallTracing.create('grpc')).toBeInstanceOf(CallTracing);
  });
});
