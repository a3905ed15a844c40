import { clientOverheadCase } from './cases/client-overhead.case';
import { churnCase } from './cases/churn.case';
import { crashDetectionCases } from './cases/crash-detection.case';
import { fanOutCase } from './cases/fan-out.case';
import { fatLookupCase } from './cases/fat-lookup.case';
import { gatewayHopCases } from './cases/gateway-hop.case';
import { grpcHopCase } from './cases/grpc-hop.case';
import { hopBreakdownCase } from './cases/hop-breakdown.case';
import { lookupCases } from './cases/lookup.case';
import { metricsCostCase } from './cases/metrics-cost.case';
import { propagationCase } from './cases/propagation.case';
import { renewalCase } from './cases/renewal.case';
import { storeCases } from './cases/store.case';
import { subscriptionCase } from './cases/subscription.case';
import { tcpHopCase } from './cases/tcp-hop.case';
import { tracingCostCases } from './cases/tracing-cost.case';
import { watchRequestCase } from './cases/watch-request.case';
import { BenchOptions } from './harness/bench-options';
import { ResultRow } from './harness/result-row';

/**
 * Runs every case in turn (never two at once: they would share the two cores) and collects the rows;
 * with `only`, just the cases whose name contains one of those words (`npm run bench -- metrics`).
 */
export async function runBench(
  options: BenchOptions,
  log: (line: string) => void = () => undefined,
  only: readonly string[] = [],
): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const cases: Array<[string, () => Promise<ResultRow | ResultRow[]>]> = [
    ['gateway hops', () => gatewayHopCases(options)],
    ['hop breakdown', () => hopBreakdownCase(options)],
    ['grpc hop', () => grpcHopCase(options)],
    ['tcp hop', () => tcpHopCase(options)],
    ['renewal', () => renewalCase(options)],
    ['lookup', () => lookupCases(options)],
    ['fat services lookup', () => fatLookupCase(options)],
    ['churn', () => churnCase(options)],
    ['fan-out', () => fanOutCase(options)],
    ['subscriptions', () => subscriptionCase(options)],
    ['watch request', () => watchRequestCase(options)],
    ['propagation', () => propagationCase(options)],
    ['crash detection', () => crashDetectionCases(options)],
    ['client overhead', () => clientOverheadCase(options)],
    ['stores', () => storeCases(options)],
    ['metrics cost', () => metricsCostCase(options)],
    ['tracing cost', () => tracingCostCases(options)],
  ];
  for (const [name, run] of cases) {
    if (only.length > 0 && !only.some((word) => name.includes(word))) continue;
    log(`running ${name}...`);
    const result = await run();
    rows.push(...(Array.isArray(result) ? result : [result]));
  }
  return rows;
}
