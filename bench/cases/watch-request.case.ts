import type { ServiceWatchAnswer } from '@nest-discovery/registry-api';
import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ResultRow } from '../harness/result-row';
import { startRegistry, tmpDir } from '../harness/topology';

/**
 * Case: what one `GET /watch/services` costs the registry — the request every library client sends in a loop,
 * a new revision each time — beside a lookup of the same service. Each request names a list of services no
 * request named before (the service watched, then one nobody registered), so none is answered from the
 * validation pipe's memo, as a client's next watch is not; `timeoutSeconds=0` at the current revision answers
 * at once, so the load measures the request, not a wait.
 */
export async function watchRequestCase(options: BenchOptions): Promise<ResultRow> {
  const registry = await startRegistry({ REGISTRY_DATA_DIR: tmpDir('bench-watch-') });
  try {
    const registered = await fetch(`${registry.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'calc-1', name: 'calc', host: '127.0.0.2', port: 5001, ttlSeconds: 3600 }),
    });
    if (registered.status !== 201) throw new Error(`registering the watched instance answered ${registered.status}`);
    const first = (await (await fetch(`${registry.url}/watch/services?services=calc`)).json()) as ServiceWatchAnswer;
    const held = `revision=${first.revision}&epoch=${first.epoch}&timeoutSeconds=0`;
    const { subject, floor } = await compare(
      { ...options, url: `${registry.url}/watch/services?services=calc&${held}`, pathOf: (n) => `/watch/services?services=calc,unwatched-${n}&${held}`, pids: [registry.pid] },
      { ...options, url: `${registry.url}/service/calc`, pids: [registry.pid] },
      options.rounds,
    );
    return {
      case: 'registry watch request (GET /watch/services, a new query each time, answered at once); floor = a lookup of the same service (GET /service/calc)',
      subject,
      floor,
    };
  } finally {
    await registry.stop();
  }
}
