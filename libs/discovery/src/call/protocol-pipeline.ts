import { InstanceSelector } from '../client/instance-selector';
import { ProtocolView } from '../client/protocol-view';
import { ResolvedDiscoveryOptions } from '../interfaces/discovery-options.interface';
import type { CallProtocol } from '../metrics/call-outcome';
import { InstanceSource } from '../resolution/instance-source.interface';
import { OutlierEjection } from '../resilience/outlier-ejection';
import { RetryBackoff } from '../resilience/retry.policy';
import { CallTracing } from '../tracing/call-tracing';
import { CallPipeline } from './call-pipeline';

/**
 * The call pipeline of one protocol's clients (HTTP, gRPC, the fast lane): instances seen through that
 * protocol's `view` (which address or named endpoint it calls), `ejection` state of its own (a broken gRPC or
 * fast-lane listener must not eject the instance's HTTP address), and the app's zone, backoff and retry budget.
 */
export function protocolPipeline(
  config: Pick<ResolvedDiscoveryOptions, 'zone' | 'retryBackoffMs' | 'retryBudget'>,
  source: InstanceSource,
  ejection: OutlierEjection,
  view: ProtocolView,
  protocol: CallProtocol,
): CallPipeline {
  return new CallPipeline({
    source,
    selector: new InstanceSelector(ejection, config.zone, view),
    ejection,
    backoff: new RetryBackoff(config.retryBackoffMs),
    retryBudget: config.retryBudget,
    tracing: CallTracing.create(protocol),
  });
}
