import { Metric, Registry } from 'prom-client';

/** Label names to values, as prom-client prints them. @internal */
export type LabelSet = Readonly<Record<string, string>>;

/** One counter series: the hot path adds to `value`; prom-client reads it at scrape time. @internal */
export interface CounterCell {
  value: number;
}

/** One histogram series: counts per bucket (not cumulative), their sum and count. @internal */
export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        return;
      }
    }
    // Above the last bound: only in +Inf, which is the count.
  }
}

interface Series<C> {
  readonly labels: LabelSet;
  readonly cell: C;
}

/** A sample as prom-client's registry prints it. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A metric family whose series are plain objects the call path writes to directly: a counter
 * increment is `cell.value++`, an observation a few array writes. prom-client's own metrics cost
 * about a microsecond per update (each one rebuilds and validates its label set, even through a
 * `labels()` child), which on a hop costing ~100 µs of CPU would be most of the 5 % budget; here
 * the labels are dealt with once per series, and prom-client formats the page at scrape time.
 *
 * Registered into a prom-client {@link Registry} beside ordinary metrics: the registry only reads
 * `name`, `help`, `type` and `get()` (the shape of `getMetricsAsJSON()`), which this provides. @internal
 */
abstract class CellFamily<C> {
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series<C>>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    // prom-client types registerMetric to its own four classes, but reads only what is above.
    registry.registerMetric(this as unknown as Metric);
  }

  abstract readonly type: 'counter' | 'histogram';

  /** The cell of `labels` under `key` (a string unique to those labels), created on first use. */
  cell(key: string, labels: LabelSet): C {
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels, cell: this.createCell() };
      this.series.set(key, series);
    }
    return series.cell;
  }

  /** Drops a series (its instance left): the page stops showing it. */
  remove(key: string): void {
    this.series.delete(key);
  }

  /** Zeroes every series in place: the call path keeps references to its cells. */
  reset(): void {
    for (const { cell } of this.series.values()) this.zero(cell);
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const { labels, cell } of this.series.values()) this.samples(labels, cell, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected abstract createCell(): C;
  protected abstract zero(cell: C): void;
  protected abstract samples(labels: LabelSet, cell: C, into: Sample[]): void;
}

/** A counter family of {@link CounterCell}s. @internal */
export class CounterFamily extends CellFamily<CounterCell> {
  readonly type = 'counter';

  protected createCell(): CounterCell {
    return { value: 0 };
  }

  protected zero(cell: CounterCell): void {
    cell.value = 0;
  }

  protected samples(labels: LabelSet, cell: CounterCell, into: Sample[]): void {
    into.push({ labels: { ...labels }, value: cell.value });
  }
}

/** A histogram family of {@link HistogramCell}s over fixed bucket bounds (seconds). @internal */
export class HistogramFamily extends CellFamily<HistogramCell> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, registry);
  }

  protected createCell(): HistogramCell {
    return new HistogramCell(this.bounds);
  }

  protected zero(cell: HistogramCell): void {
    cell.counts.fill(0);
    cell.sum = 0;
    cell.count = 0;
  }

  protected samples(labels: LabelSet, cell: HistogramCell, into: Sample[]): void {
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += cell.counts[i];
      into.push({ metricName: `${this.name}_bucket`, labels: { le: this.bounds[i], ...labels }, value: cumulative });
    }
    into.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: cell.count });
    into.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: cell.sum });
    into.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: cell.count });
  }
}
