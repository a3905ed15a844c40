import { CallOutcome, CallProtocol } from './call-outcome';
import { CounterCell, CounterFamily, HistogramCell, HistogramFamily } from './metric-cells';

/** The families every {@link ServiceCallMetrics} writes to. @internal */
export interface ClientFamilies {
  readonly requests: CounterFamily;
  readonly duration: HistogramFamily;
  readonly retries: CounterFamily;
  readonly ejections: CounterFamily;
  readonly retriesRefused: CounterFamily;
  readonly hedges: CounterFamily;
}

type OutcomeCells<C> = Partial<Record<CallOutcome, C>>;

/**
 * The client metrics of one service over one protocol, as the call path sees them: it is looked up
 * once per call, and each attempt then costs two or three field writes. Series are created on first
 * use, so the page only lists outcomes that happened.
 *
 * Labels: requests by instance and outcome (an instance's error rate is what an operator looks for),
 * latency by outcome only — per instance it would multiply every bucket by the instance count, and
 * instance ids change on every deploy. @internal
 */
export class ServiceCallMetrics {
  private readonly byInstance = new Map<string, OutcomeCells<CounterCell>>();
  private readonly latency: OutcomeCells<HistogramCell> = {};
  private readonly retryCell: CounterCell;
  private readonly ejectionCell: CounterCell;
  private readonly refusedCell: CounterCell;
  private readonly hedgeCell: CounterCell;

  constructor(
    readonly service: string,
    readonly protocol: CallProtocol,
    private readonly families: ClientFamilies,
  ) {
    const labels = { service, protocol };
    this.retryCell = families.retries.cell(`${service}\0${protocol}`, labels);
    this.ejectionCell = families.ejections.cell(`${service}\0${protocol}`, labels);
    this.refusedCell = families.retriesRefused.cell(`${service}\0${protocol}`, labels);
    this.hedgeCell = families.hedges.cell(`${service}\0${protocol}`, labels);
  }

  /**
   * One attempt on `instanceId` ended with `outcome`; `startedAt` is its `performance.now()` at the
   * start (0 when it was not timed: then only the count moves).
   */
  attempt(instanceId: string, outcome: CallOutcome, startedAt: number): void {
    let cells = this.byInstance.get(instanceId);
    if (cells === undefined) {
      cells = {};
      this.byInstance.set(instanceId, cells);
    }
    (cells[outcome] ??= this.requestCell(instanceId, outcome)).value++;
    if (startedAt > 0) (this.latency[outcome] ??= this.latencyCell(outcome)).observe((performance.now() - startedAt) / 1000);
  }

  /** No instance could be picked, so the call failed without leaving (counted with an empty instance). */
  noInstance(): void {
    this.attempt('', 'no_instance', 0);
  }

  /** Another attempt follows a failed one, or a wait for an instance to appear. */
  retried(): void {
    this.retryCell.value++;
  }

  /** A retry the retry budget refused. */
  retryRefused(): void {
    this.refusedCell.value++;
  }

  /** A hedged second attempt was sent. */
  hedged(): void {
    this.hedgeCell.value++;
  }

  /** An instance of this service was taken out of rotation by outlier ejection. */
  ejected(): void {
    this.ejectionCell.value++;
  }

  /** Drops the series of an instance that left the registry, so departed instances do not pile up. */
  forget(instanceId: string): void {
    const cells = this.byInstance.get(instanceId);
    if (cells === undefined) return;
    this.byInstance.delete(instanceId);
    for (const outcome of Object.keys(cells)) this.families.requests.remove(this.requestKey(instanceId, outcome));
  }

  private requestKey(instanceId: string, outcome: string): string {
    return `${this.service}\0${this.protocol}\0${instanceId}\0${outcome}`;
  }

  private requestCell(instance: string, outcome: CallOutcome): CounterCell {
    const labels = { service: this.service, instance, outcome, protocol: this.protocol };
    return this.families.requests.cell(this.requestKey(instance, outcome), labels);
  }

  private latencyCell(outcome: CallOutcome): HistogramCell {
    const labels = { service: this.service, outcome, protocol: this.protocol };
    return this.families.duration.cell(`${this.service}\0${this.protocol}\0${outcome}`, labels);
  }
}
