import { Logger } from '@nestjs/common';
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

    lifecycle.onModuleDestroy();
    expect(source.listener).toBeUndefined();
    await transport.close();
    await server.close();
  });

  it('does nothing for a source that does not report changes', () => {
    const lifecycle = new InstanceLifecycle(new StaticSource(), new UndiciTransport(), new OutlierEjection({ consecutiveFailures: 1, cooldownMs: 1 }));
    expect(() => lifecycle.onModuleInit()).not.toThrow();
  });
});
