import { connectivityState } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { GrpcChannelPool } from '../grpc/channel-pool';
import { grpcInstance } from '../grpc/test-support/grpc-fixtures';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { readText } from './http-transport.interface';
import { InstanceLifecycle } from './instance-lifecycle';
import { instance, json, startServer, StaticSource } from './test-support/fixtures';
import { UndiciTransport } from './undici.transport';

Logger.overrideLogger(false);

type Listener = (change: { added: readonly ServiceInstance[]; removed: readonly ServiceInstance[] }) => void;

class ReportingSource extends StaticSource {
  listener: Listener | undefined;
  onChange(listener: Listener): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }
}

describe('InstanceLifecycle', () => {
  it('closes the pool and forgets the circuit of an instance that left; keeps a re-registered address', async () => {
    const server = await startServer((_req, res) => json(res, 200, {}));
    const transport = new UndiciTransport();
    const ejection = new OutlierEjection({ consecutiveFailures: 1, cooldownMs: 60_000 });
    const source = new ReportingSource();
    const lifecycle = new InstanceLifecycle(source, transport, ejection);
    lifecycle.onModuleInit();

    const a = instance('a', server.port);
    const response = await transport.send(a, { method: 'GET', path: '/', timeoutMs: 1000 });
    await readText(response.body);
    ejection.onFailure('a');
    expect(transport.size).toBe(1);

    // Same address back under a new id: the pool stays.
    source.listener!({ added: [instance('a2', server.port)], removed: [a] });
    expect(transport.size).toBe(1);
    expect(ejection.state('a')).toBe('closed');

    source.listener!({ added: [], removed: [instance('a2', server.port)] });
    expect(transport.size).toBe(0);

    lifecycle.onApplicationShutdown();
    expect(source.listener).toBeUndefined();
    await transport.close();
    await server.close();
  });

  it('closes the gRPC channel of an instance registered as grpc that left, leaving HTTP pools alone', async () => {
    const server = await startServer((_req, res) => json(res, 200, {}));
    const transport = new UndiciTransport();
    const channels = new GrpcChannelPool();
    const ejection = new OutlierEjection({ consecutiveFailures: 1, cooldownMs: 60_000 });
    const source = new ReportingSource();
    const lifecycle = new InstanceLifecycle(source, transport, ejection, channels);
    lifecycle.onModuleInit();

    const http = instance('calc-1', server.port);
    await readText((await transport.send(http, { method: 'GET', path: '/', timeoutMs: 1000 })).body);
    const grpc = grpcInstance('calc-1-grpc', 50051);
    const channel = channels.get(grpc);
    ejection.onFailure('calc-1-grpc');

    // Re-registered at the same address under a new id: the channel stays.
    source.listener!({ added: [grpcInstance('calc-2-grpc', 50051)], removed: [grpc] });
    expect(channels.has(grpc)).toBe(true);
    expect(ejection.state('calc-1-grpc')).toBe('closed');

    source.listener!({ added: [], removed: [grpcInstance('calc-2-grpc', 50051)] });
    expect(channels.size).toBe(0);
    expect(channel.getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
    expect(transport.size).toBe(1);

    lifecycle.onApplicationShutdown();
    channels.close();
    await transport.close();
    await server.close();
  });

  it("closes both the HTTP pool and the grpc endpoint's channel of an instance that left, and a moved endpoint's channel", async () => {
    const server = await startServer((_req, res) => json(res, 200, {}));
    const transport = new UndiciTransport();
    const channels = new GrpcChannelPool();
    const ejection = new OutlierEjection({ consecutiveFailures: 1, cooldownMs: 60_000 });
    const source = new ReportingSource();
    const grpcEjection = new OutlierEjection({ consecutiveFailures: 1, cooldownMs: 60_000 });
    const lifecycle = new InstanceLifecycle(source, transport, ejection, channels, grpcEjection);
    lifecycle.onModuleInit();

    const calc = instance('calc-1', server.port, { endpoints: { grpc: { protocol: 'grpc', port: 50051 } } });
    await readText((await transport.send(calc, { method: 'GET', path: '/', timeoutMs: 1000 })).body);
    const first = channels.get({ ...calc, protocol: 'grpc', port: 50051 });
    grpcEjection.onFailure('calc-1');

    // Same id, its gRPC server now on another port: the old channel goes, the HTTP pool stays.
    const moved = instance('calc-1', server.port, { endpoints: { grpc: { protocol: 'grpc', port: 50052 } } });
    source.listener!({ added: [moved], removed: [calc] });
    expect(first.getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
    expect(transport.size).toBe(1);
    expect(grpcEjection.state('calc-1')).toBe('closed');

    channels.get({ ...moved, protocol: 'grpc', port: 50052 });
    source.listener!({ added: [], removed: [moved] });
    expect(channels.size).toBe(0);
    expect(transport.size).toBe(0);

    lifecycle.onApplicationShutdown();
    channels.close();
    await transport.close();
    await server.close();
  });

  it('does nothing for a source that does not report changes', () => {
    const lifecycle = new InstanceLifecycle(new StaticSource(), new UndiciTransport(), new OutlierEjection({ consecutiveFailures: 1, cooldownMs: 1 }));
    expect(() => lifecycle.onModuleInit()).not.toThrow();
  });
});
