import { Injectable } from '@nestjs/common';
import { connect } from 'node:net';
import { HealthCheck } from '../registry/instance.entity';
import { HealthProber, ProbeResult, ProbeTarget } from './health-prober.interface';
import { probeFailure } from './probe-failure';

/** `tcp` checks: passes once a connection to the instance's port is accepted; nothing is sent. */
@Injectable()
export class TcpProber implements HealthProber {
  probe(target: ProbeTarget, check: HealthCheck, signal: AbortSignal): Promise<ProbeResult> {
    return new Promise((resolve) => {
      const socket = connect({ host: target.host, port: target.port });
      const finish = (result: ProbeResult): void => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(result);
      };
      const onAbort = (): void => finish(probeFailure(undefined, check, signal));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => finish({ ok: true, output: 'TCP connect ok' }));
      socket.once('error', (error) => finish(probeFailure(error, check, signal)));
    });
  }
}
