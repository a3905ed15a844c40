import { Injectable } from '@nestjs/common';
import { ChannelOptions, status as GrpcStatus } from '@grpc/grpc-js';
import { HealthCheck } from '../registry/instance.entity';
import { HealthProber, ProbeResult, ProbeTarget } from './health-prober.interface';
import { healthClient } from './health-proto';
import { authority, timedOut } from './probe-failure';

/**
 * A channel per probe, with a subchannel of its own: a shared or kept channel would carry grpc-js's
 * reconnect backoff from one probe to the next (up to two minutes after a restart of the instance), so an
 * instance that is back would stay critical; and there is nothing to close when an instance leaves.
 */
const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.enable_retries': 0,
  'grpc.max_receive_message_length': 64 * 1024,
};

/** `grpc` checks: grpc.health.v1.Health/Check for `check.service`; SERVING passes, anything else fails. */
@Injectable()
export class GrpcProber implements HealthProber {
  probe(target: ProbeTarget, check: HealthCheck, signal: AbortSignal): Promise<ProbeResult> {
    const client = healthClient(authority(target.host, target.port), CHANNEL_OPTIONS);
    return new Promise<ProbeResult>((resolve) => {
      const deadline = Date.now() + check.timeoutSeconds * 1000;
      const call = client.Check({ service: check.service ?? '' }, { deadline }, (error, response) => {
        signal.removeEventListener('abort', onAbort);
        if (error) return resolve(grpcFailure(error, check, signal));
        const status = response?.status ?? 'UNKNOWN';
        resolve({ ok: status === 'SERVING', output: status });
      });
      const onAbort = (): void => call.cancel();
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }).finally(() => client.close());
  }
}

/**
 * A failed call as a stable output. grpc-js's details carry elapsed times (deadlines) and timestamps
 * (connection errors): kept, the same failure would read differently on every probe and be rewritten to the
 * store each time.
 */
function grpcFailure(error: Error & { code?: number; details?: string }, check: HealthCheck, signal: AbortSignal): ProbeResult {
  if (signal.aborted || error.code === GrpcStatus.DEADLINE_EXCEEDED || error.code === GrpcStatus.CANCELLED) {
    return timedOut(check);
  }
  const name = error.code === undefined ? 'UNKNOWN' : (GrpcStatus[error.code] ?? String(error.code));
  const details = (error.details ?? '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)/g, '')
    .replace(/\s*Resolution note:\s*$/, '')
    .trim();
  return { ok: false, output: details.length > 0 ? `gRPC ${name}: ${details}` : `gRPC ${name}` };
}
