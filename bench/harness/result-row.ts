import { LoadResult } from './load';

/** One line of docs/benchmarks.md. */
export interface ResultRow {
  case: string;
  subject: LoadResult;
  floor?: LoadResult;
  /** The target as written in the issue, e.g. "≥ 85% of floor rps, p99 ≤ 1.25×". */
  target?: string;
  /** Whether the target was met; undefined when the case has no target. */
  met?: boolean;
  note?: string;
  /** Markdown printed under the table, headed by the case (e.g. a breakdown the row's numbers come with). */
  detail?: string;
}

export function ratio(subject: number, floor: number): number {
  return floor > 0 ? subject / floor : 0;
}
