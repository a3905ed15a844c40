import { HealthCheck, EndpointProtocol } from '../registry/instance.entity';

/** Where a probe goes: always the instance's own registered address, never one taken from the check. */
export interface ProbeTarget {
  host: string;
  port: number;
  protocol: EndpointProtocol;
}

/** What one probe found. */
export interface ProbeResult {
  ok: boolean;
  /**
   * A short, stable description (`HTTP 503`, `connect ECONNREFUSED 127.0.0.1:4000`, `SERVING`): the
   * scheduler writes it to the store only when it differs from the last one, so it must not carry
   * timings or counters that change on every probe.
   */
  output: string;
}

/**
 * One kind of active check (`http`, `tcp`, `grpc`). A probe resolves — it never rejects — once it has an
 * answer or `signal` aborts (the check's timeout, or the registry shutting down).
 */
export interface HealthProber {
  probe(target: ProbeTarget, check: HealthCheck, signal: AbortSignal): Promise<ProbeResult>;
}
