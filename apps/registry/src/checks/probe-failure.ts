import { HealthCheck } from '../registry/instance.entity';
import { HealthProber, ProbeResult, ProbeTarget } from './health-prober.interface';

/**
 * A failed probe's result. Once the signal fired, the error is only the abort's echo: say it timed out,
 * so the output stays the same from one slow probe to the next.
 */
export function probeFailure(error: unknown, check: HealthCheck, signal: AbortSignal): ProbeResult {
  if (signal.aborted) return timedOut(check);
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, output: message.length > 0 ? message : 'probe failed' };
}

/** A probe that got no answer within the check's timeout. */
export function timedOut(check: HealthCheck): ProbeResult {
  return { ok: false, output: `timed out after ${check.timeoutSeconds}s` };
}

/** `host` as it goes into an authority: IPv6 literals in brackets. */
export function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * One probe's answer, or a timeout as soon as `signal` fires even if the prober has not noticed yet (a prober
 * that hangs must not hold a slot forever); a prober that throws is a failed probe. Never rejects.
 */
export function settleProbe(prober: HealthProber, target: ProbeTarget, check: HealthCheck, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(timedOut(check));
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(() => prober.probe(target, check, signal))
      .then(resolve, (error: unknown) => resolve(probeFailure(error, check, signal)))
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
